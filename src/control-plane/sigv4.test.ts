// Every control-plane request is SigV4-verified and authorised: unsigned, badly signed, stale,
// wrong-region, unknown-key requests get UnauthorizedException (401); requests no policy allows
// ForbiddenException (403) naming the action and resource; a node without identities refuses all.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ACCOUNT_ID, ADMIN, GUIDE_SERVERLESS, LIMITED, clusterPath, createCluster, startControlPlaneKit
} from '../../test/helpers/control-plane-kit.ts'

function errorOf (response: { statusCode: number, headers: Record<string, unknown>, json: () => unknown }): [number, string, string] {
  const body = response.json() as { __type: string, message: string }
  assert.equal(String(response.headers['x-amzn-errortype']).split(':')[0], body.__type)
  return [response.statusCode, body.__type, body.message]
}

test('unsigned, tampered, stale, wrong-region, wrong-service and unknown-key requests are UnauthorizedException', async t => {
  const kit = await startControlPlaneKit(t)
  const list = { method: 'GET', path: '/api/v2/clusters' } as const
  const create = { method: 'POST', path: '/api/v2/clusters', body: { clusterName: 'x', serverless: GUIDE_SERVERLESS } } as const
  const cases: Array<[string, Parameters<typeof kit.request>[0], RegExp]> = [
    ['unsigned', { ...list, credentials: null }, /Missing Authentication Token/],
    ['wrong secret', { ...list, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'wrong' } }, /signature we calculated does not match/],
    ['unknown key', { ...list, credentials: { accessKeyId: 'AKIAUNKNOWNEXAMPLE01', secretAccessKey: 'x' } }, /security token included in the request is invalid/],
    ['stale', { ...list, signingDate: new Date(Date.now() - 20 * 60_000) }, /Signature expired/],
    ['wrong region', { ...list, region: 'eu-west-1' }, /signed for region eu-west-1/],
    ['wrong service', { ...list, service: 'iam' }, /signed for service iam/],
    ['body changed', { ...create, afterSigning: request => { request.body = request.body.replace('"x"', '"y"') } }, /X-Amz-Content-SHA256 does not match the body/],
    ['body changed, no hash header', {
      ...create,
      applyChecksum: false,
      afterSigning: request => { request.body = request.body.replace('"x"', '"y"') }
    }, /signature we calculated does not match/],
    ['session token on a long-term key', { ...list, credentials: { ...ADMIN, sessionToken: 'token' } }, /long-term key/]
  ]
  for (const [name, request, message] of cases) {
    const [status, type, text] = errorOf(await kit.request(request))
    assert.equal(status, 401, name)
    assert.equal(type, 'UnauthorizedException', name)
    assert.match(text, message, name)
  }
  assert.deepEqual(await kit.catalog.listClusters(), [])
})

test('a node without identities refuses every request, saying so', async t => {
  const kit = await startControlPlaneKit(t, { identities: null })
  const [status, type, message] = errorOf(await kit.request({ method: 'GET', path: '/api/v2/clusters' }))
  assert.deepEqual([status, type], [401, 'UnauthorizedException'])
  assert.match(message, /no identities configured/)
})

test('policies decide: a user may create and describe team-a-* clusters only, and is Forbidden elsewhere with the action and resource named', async t => {
  const kit = await startControlPlaneKit(t)
  const other = await createCluster(kit, 'payments')
  const mine = await createCluster(kit, 'team-a-events', {}, LIMITED)
  assert.equal((await kit.request({ method: 'GET', path: clusterPath(mine), credentials: LIMITED })).statusCode, 200)

  const [status, type, message] = errorOf(await kit.request({ method: 'GET', path: clusterPath(other), credentials: LIMITED }))
  assert.deepEqual([status, type], [403, 'ForbiddenException'])
  assert.match(message, new RegExp(`User: arn:aws:iam::${ACCOUNT_ID}:user/limited is not authorized to perform: kafka:DescribeClusterV2 on resource: ${other.replace(/[/.]/g, '\\$&')}`))

  const denied = await kit.request({ method: 'POST', path: '/api/v2/clusters', body: { clusterName: 'team-b', serverless: GUIDE_SERVERLESS }, credentials: LIMITED })
  assert.deepEqual(errorOf(denied).slice(0, 2), [403, 'ForbiddenException'])
  assert.match(errorOf(denied)[2], /kafka:CreateClusterV2 on resource: arn:aws:kafka:us-east-1:123456789012:cluster\/team-b\//)
  assert.deepEqual(errorOf(await kit.request({ method: 'DELETE', path: `/v1/clusters/${encodeURIComponent(mine)}`, credentials: LIMITED })).slice(0, 2), [403, 'ForbiddenException'])
  // Permission comes before existence, as on AWS: an unknown cluster the user may not see is Forbidden, not NotFound.
  const unknown = other.replace(/[0-9a-f-]{36}-s1$/, '33333333-3333-3333-3333-333333333333-s1')
  assert.equal(errorOf(await kit.request({ method: 'GET', path: clusterPath(unknown), credentials: LIMITED }))[0], 403)
  assert.equal((await kit.request({ method: 'GET', path: '/api/v2/clusters', credentials: LIMITED })).statusCode, 200)
  assert.equal((await kit.catalog.listClusters()).length, 2)
})

test('an explicit Deny on a tag condition wins, and a policy change takes effect on the next request', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'prod-cluster', { tags: { env: 'prod' } })
  const admin = (await kit.identities.lookupAccessKey(ADMIN.accessKeyId))!.principal
  assert.equal((await kit.request({ method: 'DELETE', path: `/v1/clusters/${encodeURIComponent(arn)}`, query: { currentVersion: 'KWRONG' } })).statusCode, 400)
  kit.identities.setPolicies(admin.arn, [
    { name: 'admin', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
    {
      name: 'protect-prod',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'NoProdDeletes', Effect: 'Deny', Action: 'kafka:DeleteCluster', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } }]
      })
    }
  ])
  const [status, type, message] = errorOf(await kit.request({ method: 'DELETE', path: `/v1/clusters/${encodeURIComponent(arn)}` }))
  assert.deepEqual([status, type], [403, 'ForbiddenException'])
  assert.match(message, /statement 'NoProdDeletes'/)
  assert.equal((await kit.request({ method: 'GET', path: clusterPath(arn) })).statusCode, 200)
})
