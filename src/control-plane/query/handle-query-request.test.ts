// The query-protocol layer through handleQueryRequest: answer documents, signature refusals with the
// codes the AWS CLI prints, routing errors, and authorisation by the caller's identity policies.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorOf, startQueryApi } from '../../../test/helpers/query-api.ts'
import { handleQueryRequest, signingServiceOf } from './handle-query-request.ts'

describe('handleQueryRequest', () => {
  it('answers CreateUser with the IAM document, namespace, request id and text/xml', async () => {
    const api = await startQueryApi()
    const response = await api.call({ Action: 'CreateUser', UserName: 'alice', Path: '/team/' })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.headers['content-type'], 'text/xml')
    const requestId = response.headers['x-amzn-requestid']
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/)
    const user = await api.store.getUser(api.accountId, 'alice')
    assert.equal(response.body,
      '<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>' +
      `<Path>/team/</Path><UserName>alice</UserName><UserId>${user.userId}</UserId><Arn>arn:aws:iam::${api.accountId}:user/team/alice</Arn>` +
      '<CreateDate>2026-01-15T12:00:00Z</CreateDate></User></CreateUserResult>' +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></CreateUserResponse>`)
  })

  it('answers an operation without a result with only its metadata, and errors as ErrorResponse', async () => {
    const api = await startQueryApi()
    await api.store.createUser(api.accountId, { userName: 'bob' })
    const deleted = await api.call({ Action: 'DeleteUser', UserName: 'bob' })
    assert.equal(deleted.statusCode, 200)
    assert.match(deleted.body, /^<DeleteUserResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DeleteUserResponse>$/)
    const missing = await api.call({ Action: 'DeleteUser', UserName: 'bob' })
    assert.match(missing.body, /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/)
    assert.equal(missing.statusCode, 404)
  })

  it('refuses missing, unknown, tampered and expired signatures with the AWS codes', async () => {
    const api = await startQueryApi()
    const create = { Action: 'CreateUser', UserName: 'carol' }
    assert.deepEqual(errorOf(await api.call(create, { isUnsigned: true })),
      { statusCode: 403, type: 'Sender', code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' })
    const unknown = errorOf(await api.call(create, { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) } }))
    assert.deepEqual([unknown.statusCode, unknown.code], [403, 'InvalidClientTokenId'])
    const wrongSecret = errorOf(await api.call(create, { credentials: { ...api.adminCredentials, secretAccessKey: 'y'.repeat(40) } }))
    assert.deepEqual([wrongSecret.statusCode, wrongSecret.code], [403, 'SignatureDoesNotMatch'])
    const tampered = errorOf(await api.call(create, { mutate: request => ({ ...request, body: Buffer.from(String(request.body).replace('carol', 'mallory')) }) }))
    assert.equal(tampered.code, 'SignatureDoesNotMatch')
    const wrongService = errorOf(await api.call(create, { service: 'sts' }))
    assert.deepEqual([wrongService.statusCode, wrongService.code], [403, 'SignatureDoesNotMatch'])
    assert.match(wrongService.message, /scoped to correct service: 'iam'/)
    const wrongRegion = errorOf(await api.call(create, { region: 'eu-west-1' }))
    assert.deepEqual([wrongRegion.code, wrongRegion.message.includes('eu-west-1')], ['SignatureDoesNotMatch', true])
    const old = await api.signedRequest({ Version: '2010-05-08', ...create }, {})
    api.advance(16 * 60_000)
    const expired = await handleQueryRequest(old, api.deps)
    assert.equal(expired.statusCode, 403)
    assert.match(expired.body, /<Code>RequestExpired<\/Code>/)
    await assert.rejects(api.store.getUser(api.accountId, 'carol'), 'no refused request created the user')
    await assert.rejects(api.store.getUser(api.accountId, 'mallory'))
  })

  it('refuses an unknown Action, a wrong Version, a missing Action and a non-form body', async () => {
    const api = await startQueryApi()
    assert.deepEqual(errorOf(await api.call({ Action: 'CreateGroup', GroupName: 'g' })),
      { statusCode: 400, type: 'Sender', code: 'InvalidAction', message: 'Could not find operation CreateGroup for version 2010-05-08' })
    assert.equal(errorOf(await api.call({ Action: 'ListUsers', Version: '2011-06-15' })).code, 'InvalidAction')
    assert.equal(errorOf(await api.call({ UserName: 'x' })).code, 'MissingAction')
    const json = errorOf(await api.call({ Action: 'ListUsers' }, { mutate: request => ({ ...request, headers: { ...request.headers, 'content-type': 'application/json' } }) }))
    assert.deepEqual([json.statusCode, json.code], [400, 'MalformedQueryString'])
    const repeated = errorOf(await api.call({ Action: 'ListUsers' }, { mutate: request => ({ ...request, body: Buffer.concat([request.body, Buffer.from('&Action=DeleteUser')]) }) }))
    assert.equal(repeated.code, 'MalformedQueryString')
    assert.match(repeated.message, /Action appears more than once/)
  })

  it('answers ValidationError naming a missing required member', async () => {
    const api = await startQueryApi()
    assert.deepEqual(errorOf(await api.call({ Action: 'CreateUser' })), {
      statusCode: 400,
      type: 'Sender',
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
    })
    const badName = errorOf(await api.call({ Action: 'CreateUser', UserName: 'bad name' }))
    assert.deepEqual([badName.statusCode, badName.code], [400, 'ValidationError'])
    assert.match(badName.message, /UserName 'bad name' is not valid/)
  })

  it('authorises each action on its resource with the caller\'s policies; explicit Deny wins', async () => {
    const api = await startQueryApi()
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iam:CreateUser', 'iam:GetUser'], Resource: `arn:aws:iam::${api.accountId}:user/team/*` },
        { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:GetUser', Resource: `arn:aws:iam::${api.accountId}:user/team/secret` }
      ]
    })
    const limited = await api.addUser('limited', [policy])
    assert.equal((await api.call({ Action: 'CreateUser', UserName: 'dan', Path: '/team/' }, { credentials: limited })).statusCode, 200)
    const outside = errorOf(await api.call({ Action: 'CreateUser', UserName: 'eve' }, { credentials: limited }))
    assert.deepEqual(outside, {
      statusCode: 403,
      type: 'Sender',
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${api.accountId}:user/limited is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${api.accountId}:user/eve because no identity-based policy allows the iam:CreateUser action`
    })
    await assert.rejects(api.store.getUser(api.accountId, 'eve'))
    assert.equal((await api.call({ Action: 'GetUser', UserName: 'dan' }, { credentials: limited })).statusCode, 200, 'checked on the existing user\'s ARN with its path')
    await api.call({ Action: 'CreateUser', UserName: 'secret', Path: '/team/' }, { credentials: limited })
    const denied = errorOf(await api.call({ Action: 'GetUser', UserName: 'secret' }, { credentials: limited }))
    assert.equal(denied.code, 'AccessDenied')
    assert.match(denied.message, /with an explicit deny in an identity-based policy$/)
    assert.equal((await api.call({ Action: 'ListUsers' }, { credentials: limited })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'ListRoles' }, { credentials: limited })).code, 'AccessDenied')
  })

  it('sees a policy change on this node at once', async () => {
    const api = await startQueryApi()
    const bob = await api.addUser('bob')
    assert.equal(errorOf(await api.call({ Action: 'ListUsers' }, { credentials: bob })).code, 'AccessDenied')
    const put = await api.call({ Action: 'PutUserPolicy', UserName: 'bob', PolicyName: 'list', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}' })
    assert.equal(put.statusCode, 200, put.body)
    assert.equal((await api.call({ Action: 'ListUsers' }, { credentials: bob })).statusCode, 200)
  })

  it('reads the signing service from the Authorization header for routing', () => {
    assert.equal(signingServiceOf({ Authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00' }), 'sts')
    assert.equal(signingServiceOf({ authorization: ['AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0'] }), 'monitoring')
    assert.equal(signingServiceOf({ host: 'x' }), undefined)
  })
})
