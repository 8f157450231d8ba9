// CreateClusterV2, DescribeClusterV2, ListClustersV2, GetBootstrapBrokers and DeleteCluster through
// fastify.inject with SDK-signed requests: the exact shapes of spec 6.2 and the AWS errors of 6.3.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ACCOUNT_ID, GUIDE_SERVERLESS, STRANGER, clusterPath, createCluster, startControlPlaneKit
} from '../../../test/helpers/control-plane-kit.ts'

const ARN_PATTERN = /^arn:aws:kafka:us-east-1:123456789012:cluster\/serverless-kafka\/[0-9a-f-]{36}-s1$/

function assertAwsError (response: { statusCode: number, headers: Record<string, unknown>, json: () => unknown }, status: number, type: string, message?: RegExp): void {
  assert.equal(response.statusCode, status)
  assert.match(String(response.headers['x-amzn-errortype']), new RegExp(`^${type}:`))
  const body = response.json() as { message: string, __type: string }
  assert.equal(body.__type, type)
  if (message !== undefined) assert.match(body.message, message)
}

test('CreateClusterV2 with the guide\'s JSON answers CREATING with the cluster ARN, and the cluster is ACTIVE once activated', async t => {
  const kit = await startControlPlaneKit(t)
  const response = await kit.request({
    method: 'POST', path: '/api/v2/clusters', body: { clusterName: 'serverless-kafka', serverless: GUIDE_SERVERLESS, tags: { env: 'dev' } }
  })
  assert.equal(response.statusCode, 200)
  assert.equal(response.headers['content-type'], 'application/json')
  assert.ok(typeof response.headers['x-amzn-requestid'] === 'string')
  const created = response.json() as Record<string, string>
  assert.deepEqual(Object.keys(created).sort(), ['clusterArn', 'clusterName', 'clusterType', 'state'])
  assert.match(created.clusterArn!, ARN_PATTERN)
  assert.equal(created.clusterName, 'serverless-kafka')
  assert.equal(created.state, 'CREATING')
  assert.equal(created.clusterType, 'SERVERLESS')
  await kit.clusters.settled()

  const described = await kit.request({ method: 'GET', path: clusterPath(created.clusterArn!) })
  assert.equal(described.statusCode, 200)
  const info = (described.json() as { clusterInfo: Record<string, unknown> }).clusterInfo
  assert.equal(info.clusterArn, created.clusterArn)
  assert.equal(info.clusterName, 'serverless-kafka')
  assert.equal(info.clusterType, 'SERVERLESS')
  assert.equal(info.state, 'ACTIVE')
  assert.match(String(info.creationTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  assert.match(String(info.currentVersion), /^K[A-Z2-7]{13}$/)
  assert.deepEqual(info.tags, { env: 'dev' })
  assert.deepEqual(info.serverless, GUIDE_SERVERLESS)
  assert.equal(info.provisioned, undefined)
  assert.equal(kit.endpoints.opened.length, 1)
  assert.equal((await kit.catalog.getCluster(kit.endpoints.opened[0]!))?.bootstrapPort, 9098)
})

test('the first cluster gets port 9098, the next ones the next free ports, skipping reserved and busy ones', async t => {
  const kit = await startControlPlaneKit(t, { reservedPorts: [9099] })
  kit.endpoints.busyPorts.add(9100)
  const ports = []
  for (const name of ['one', 'two', 'three']) {
    const arn = await createCluster(kit, name)
    ports.push((await kit.catalog.getCluster(arn.split('/').at(-1)!))?.bootstrapPort)
  }
  assert.deepEqual(ports, [9098, 9101, 9102])
})

test('CreateClusterV2 refuses a full port range with TooManyRequestsException', async t => {
  const kit = await startControlPlaneKit(t, { ports: { firstPort: 9300, lastPort: 9300 } })
  await createCluster(kit, 'one')
  const response = await kit.request({ method: 'POST', path: '/api/v2/clusters', body: { clusterName: 'two', serverless: GUIDE_SERVERLESS } })
  assertAwsError(response, 429, 'TooManyRequestsException', /No free port .* 9300-9300/)
})

test('a cluster whose endpoint cannot open is FAILED with the reason in stateInfo', async t => {
  const kit = await startControlPlaneKit(t)
  kit.endpoints.failOpenWith = new Error('listen EADDRINUSE: address already in use 127.0.0.1:9098')
  const arn = await createCluster(kit, 'broken')
  const info = ((await kit.request({ method: 'GET', path: clusterPath(arn) })).json() as { clusterInfo: Record<string, unknown> }).clusterInfo
  assert.equal(info.state, 'FAILED')
  assert.deepEqual(info.stateInfo, { code: 'InternalServerError', message: 'The cluster endpoint could not be opened: listen EADDRINUSE: address already in use 127.0.0.1:9098' })
})

test('CreateClusterV2 validation: missing or bad clusterName, provisioned, missing serverless or vpcConfigs, subnetIds, IAM off, bad tags', async t => {
  const kit = await startControlPlaneKit(t)
  const cases: Array<[unknown, string, RegExp]> = [
    [{ serverless: GUIDE_SERVERLESS }, 'clusterName', /clusterName is required/],
    [{ clusterName: '', serverless: GUIDE_SERVERLESS }, 'clusterName', /1-64 letters/],
    [{ clusterName: 'a_b', serverless: GUIDE_SERVERLESS }, 'clusterName', /1-64 letters/],
    [{ clusterName: 'x'.repeat(65), serverless: GUIDE_SERVERLESS }, 'clusterName', /1-64 letters/],
    [{ clusterName: 'p', provisioned: { numberOfBrokerNodes: 3 } }, 'provisioned', /Skiff offers serverless clusters/],
    [{ clusterName: 'p', provisioned: {}, serverless: GUIDE_SERVERLESS }, 'provisioned', /Skiff offers serverless clusters/],
    [{ clusterName: 'p' }, 'serverless', /serverless is required/],
    [{ clusterName: 'p', serverless: {} }, 'vpcConfigs', /vpcConfigs is required/],
    [{ clusterName: 'p', serverless: { vpcConfigs: [] } }, 'vpcConfigs', /non-empty list/],
    [{ clusterName: 'p', serverless: { vpcConfigs: [{ securityGroupIds: ['sg'] }] } }, 'serverless.vpcConfigs[0].subnetIds', /subnetIds is required/],
    [{ clusterName: 'p', serverless: { vpcConfigs: [{ subnetIds: 'subnet-1' }] } }, 'serverless.vpcConfigs[0].subnetIds', /list of non-empty strings/],
    [{ clusterName: 'p', serverless: { ...GUIDE_SERVERLESS, clientAuthentication: { sasl: { iam: { enabled: false } } } } }, 'clientAuthentication', /IAM only/],
    [{ clusterName: 'p', serverless: GUIDE_SERVERLESS, tags: { 'aws:x': 'y' } }, 'tags', /reserved prefix aws:/],
    [{ clusterName: 'p', serverless: GUIDE_SERVERLESS, tags: { env: 5 } }, 'tags', /must be a string/],
    [{ clusterName: 'p', serverless: GUIDE_SERVERLESS, tags: Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v'])) }, 'tags', /at most 50/]
  ]
  for (const [body, parameter, message] of cases) {
    const response = await kit.request({ method: 'POST', path: '/api/v2/clusters', body })
    assertAwsError(response, 400, 'BadRequestException', message)
    assert.equal((response.json() as { invalidParameter: string }).invalidParameter, parameter, JSON.stringify(body))
  }
  assert.deepEqual(await kit.catalog.listClusters(), [])
})

test('malformed JSON, a JSON array and an empty body are BadRequestException', async t => {
  const kit = await startControlPlaneKit(t)
  assertAwsError(await kit.request({ method: 'POST', path: '/api/v2/clusters', rawBody: '{"clusterName": "x",' }), 400, 'BadRequestException', /not valid JSON/)
  assertAwsError(await kit.request({ method: 'POST', path: '/api/v2/clusters', rawBody: '[1]' }), 400, 'BadRequestException', /must be a JSON object/)
  assertAwsError(await kit.request({ method: 'POST', path: '/api/v2/clusters' }), 400, 'BadRequestException', /clusterName is required/)
})

test('a name already taken in the account is ConflictException; another account may use it', async t => {
  const kit = await startControlPlaneKit(t)
  await createCluster(kit, 'orders')
  const again = await kit.request({ method: 'POST', path: '/api/v2/clusters', body: { clusterName: 'orders', serverless: GUIDE_SERVERLESS } })
  assertAwsError(again, 409, 'ConflictException', /A cluster named orders already exists/)
  const other = await createCluster(kit, 'orders', {}, STRANGER)
  assert.match(other, /^arn:aws:kafka:us-east-1:210987654321:cluster\/orders\//)
})

test('DescribeClusterV2: an unknown ARN is NotFoundException, a malformed one BadRequestException, another account\'s NotFoundException', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'mine')
  const unknown = `arn:aws:kafka:us-east-1:${ACCOUNT_ID}:cluster/mine/00000000-0000-0000-0000-000000000000-s1`
  const missing = await kit.request({ method: 'GET', path: clusterPath(unknown) })
  assertAwsError(missing, 404, 'NotFoundException', /The specified cluster was not found: arn:aws:kafka/)
  assert.equal((missing.json() as { invalidParameter: string }).invalidParameter, 'clusterArn')
  assertAwsError(await kit.request({ method: 'GET', path: clusterPath('not-an-arn') }), 400, 'BadRequestException', /Invalid cluster ARN 'not-an-arn'/)
  assertAwsError(await kit.request({ method: 'GET', path: clusterPath(arn.replace('/mine/', '/other/')) }), 404, 'NotFoundException')
  assertAwsError(await kit.request({ method: 'GET', path: clusterPath(arn), credentials: STRANGER }), 404, 'NotFoundException')
})

test('ListClustersV2 lists the account\'s clusters with a name prefix filter, a type filter and paging', async t => {
  // Clusters are listed by creation time: a clock that moves 1 ms per reading keeps creations apart.
  let nowMs = Date.now()
  const kit = await startControlPlaneKit(t, { clock: { nowMs: () => nowMs++ } })
  const names = ['server-a', 'server-b', 'other', 'server-c']
  for (const name of names) await createCluster(kit, name)
  await createCluster(kit, 'server-z', {}, STRANGER)
  const list = async (query: Record<string, string> = {}) => {
    const response = await kit.request({ method: 'GET', path: '/api/v2/clusters', query })
    assert.equal(response.statusCode, 200, response.body)
    return response.json() as { clusterInfoList: Array<{ clusterName: string, state: string }>, nextToken?: string }
  }
  const all = await list()
  assert.deepEqual(all.clusterInfoList.map(info => info.clusterName), names)
  assert.equal(all.nextToken, undefined)
  assert.equal(all.clusterInfoList[0]!.state, 'ACTIVE')
  assert.deepEqual((await list({ clusterNameFilter: 'server' })).clusterInfoList.map(info => info.clusterName), ['server-a', 'server-b', 'server-c'])
  assert.deepEqual((await list({ clusterTypeFilter: 'PROVISIONED' })).clusterInfoList, [])
  assert.equal((await list({ clusterTypeFilter: 'SERVERLESS' })).clusterInfoList.length, 4)

  const seen: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page = await list({ clusterNameFilter: 'server', maxResults: '2', ...(token === undefined ? {} : { nextToken: token }) })
    seen.push(...page.clusterInfoList.map(info => info.clusterName))
    token = page.nextToken
    pages++
  } while (token !== undefined)
  assert.deepEqual(seen, ['server-a', 'server-b', 'server-c'])
  assert.equal(pages, 2)

  for (const [query, parameter] of [[{ maxResults: '0' }, 'maxResults'], [{ maxResults: '101' }, 'maxResults'], [{ maxResults: 'x' }, 'maxResults'],
    [{ clusterTypeFilter: 'BIG' }, 'clusterTypeFilter'], [{ nextToken: 'garbage' }, 'nextToken']] as const) {
    const response = await kit.request({ method: 'GET', path: '/api/v2/clusters', query })
    assertAwsError(response, 400, 'BadRequestException')
    assert.equal((response.json() as { invalidParameter: string }).invalidParameter, parameter)
  }
})

test('GetBootstrapBrokers answers only bootstrapBrokerStringSaslIam with the cluster\'s endpoint', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'serverless-kafka')
  const response = await kit.request({ method: 'GET', path: `/v1/clusters/${encodeURIComponent(arn)}/bootstrap-brokers` })
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { bootstrapBrokerStringSaslIam: '127.0.0.1:9098' })
  const unknown = arn.replace(/[0-9a-f-]{36}-s1$/, '11111111-1111-1111-1111-111111111111-s1')
  assertAwsError(await kit.request({ method: 'GET', path: `/v1/clusters/${encodeURIComponent(unknown)}/bootstrap-brokers` }), 404, 'NotFoundException')
})

test('DeleteCluster answers DELETING, closes the endpoint and removes the cluster; then it is NotFoundException', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'doomed')
  const clusterId = arn.split('/').at(-1)!
  await kit.catalog.createTopic({ clusterId, topicId: crypto.randomUUID(), name: 'events', partitionCount: 1, configs: {}, createdAtMs: 1 })
  const response = await kit.request({ method: 'DELETE', path: `/v1/clusters/${encodeURIComponent(arn)}` })
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { clusterArn: arn, state: 'DELETING' })
  const during = await kit.request({ method: 'GET', path: clusterPath(arn) })
  assert.ok(during.statusCode === 404 || (during.json() as { clusterInfo: { state: string } }).clusterInfo.state === 'DELETING')
  await kit.clusters.settled()
  assert.deepEqual(kit.endpoints.closed, [clusterId])
  assertAwsError(await kit.request({ method: 'GET', path: clusterPath(arn) }), 404, 'NotFoundException')
  assert.deepEqual(await kit.catalog.listTopics(clusterId), [])
  assertAwsError(await kit.request({ method: 'DELETE', path: `/v1/clusters/${encodeURIComponent(arn)}` }), 404, 'NotFoundException')
})

test('DeleteCluster with a wrong currentVersion is BadRequestException and deletes nothing; the right one deletes', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'versioned')
  const path = `/v1/clusters/${encodeURIComponent(arn)}`
  assertAwsError(await kit.request({ method: 'DELETE', path, query: { currentVersion: 'KWRONG' } }), 400, 'BadRequestException', /currentVersion KWRONG/)
  const { clusterInfo } = (await kit.request({ method: 'GET', path: clusterPath(arn) })).json() as { clusterInfo: { currentVersion: string, state: string } }
  assert.equal(clusterInfo.state, 'ACTIVE')
  assert.equal((await kit.request({ method: 'DELETE', path, query: { currentVersion: clusterInfo.currentVersion } })).statusCode, 200)
})

test('an unknown path is an AWS-shaped NotFoundException', async t => {
  const kit = await startControlPlaneKit(t)
  assertAwsError(await kit.request({ method: 'GET', path: '/v1/nothing-here' }), 404, 'NotFoundException', /No operation is served at GET \/v1\/nothing-here/)
})

test('resume finishes what a stopped node left: a CREATING cluster becomes ACTIVE, a DELETING one goes', async t => {
  const kit = await startControlPlaneKit(t)
  const staying = await createCluster(kit, 'half-created')
  const leaving = await createCluster(kit, 'half-deleted')
  const stayingId = staying.split('/').at(-1)!
  const leavingId = leaving.split('/').at(-1)!
  await kit.catalog.setClusterState(stayingId, 'CREATING')
  await kit.catalog.setClusterState(leavingId, 'DELETING')
  await kit.clusters.resume()
  await kit.clusters.settled()
  assert.equal((await kit.catalog.getCluster(stayingId))?.state, 'ACTIVE')
  assert.equal(await kit.catalog.getCluster(leavingId), undefined)
  assert.deepEqual(kit.endpoints.closed, [leavingId])
})
