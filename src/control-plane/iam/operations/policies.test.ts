// IAM inline user policies (Put/Get/List/DeleteUserPolicy), managed policies (Create/Get/List/
// DeletePolicy) and their attachment to users, through handleQueryRequest.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorOf, startQueryApi } from '../../../../test/helpers/query-api.ts'

const GUIDE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: 'arn:aws:kafka:us-east-1:123456789012:cluster/serverless-kafka/*' },
    { Effect: 'Allow', Action: ['kafka-cluster:WriteData', 'kafka-cluster:ReadData'], Resource: 'arn:aws:kafka:us-east-1:123456789012:topic/serverless-kafka/*' }
  ]
}, null, 2)

describe('IAM inline user policies', () => {
  it('PutUserPolicy stores the document; GetUserPolicy returns it URL-encoded; ListUserPolicies names it', async () => {
    const api = await startQueryApi()
    await api.store.createUser(api.accountId, { userName: 'alice' })
    const put = await api.call({ Action: 'PutUserPolicy', UserName: 'alice', PolicyName: 'guide', PolicyDocument: GUIDE_POLICY })
    assert.equal(put.statusCode, 200, put.body)
    const got = await api.call({ Action: 'GetUserPolicy', UserName: 'alice', PolicyName: 'guide' })
    assert.deepEqual([got.text('UserName'), got.text('PolicyName')], ['alice', 'guide'])
    assert.equal(got.text('PolicyDocument'), encodeURIComponent(GUIDE_POLICY))
    assert.ok(!got.text('PolicyDocument').includes('{'), 'the document is URL-encoded')
    assert.deepEqual(JSON.parse(decodeURIComponent(got.text('PolicyDocument'))), JSON.parse(GUIDE_POLICY))
    const listed = await api.call({ Action: 'ListUserPolicies', UserName: 'alice' })
    assert.match(listed.body, /<PolicyNames><member>guide<\/member><\/PolicyNames><IsTruncated>false<\/IsTruncated>/)
    assert.equal((await api.call({ Action: 'DeleteUserPolicy', UserName: 'alice', PolicyName: 'guide' })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'GetUserPolicy', UserName: 'alice', PolicyName: 'guide' })).code, 'NoSuchEntity')
  })

  it('refuses a malformed document with MalformedPolicyDocument 400 and an oversized one with LimitExceeded 409', async () => {
    const api = await startQueryApi()
    await api.store.createUser(api.accountId, { userName: 'alice' })
    const syntax = errorOf(await api.call({ Action: 'PutUserPolicy', UserName: 'alice', PolicyName: 'p', PolicyDocument: '{"Statement": [' }))
    assert.deepEqual([syntax.statusCode, syntax.code], [400, 'MalformedPolicyDocument'])
    assert.match(syntax.message, /^Syntax errors in policy/)
    const effect = errorOf(await api.call({ Action: 'PutUserPolicy', UserName: 'alice', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' }))
    assert.deepEqual([effect.code, /Effect/.test(effect.message)], ['MalformedPolicyDocument', true])
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: Array.from({ length: 60 }, (_, index) => `arn:aws:kafka:us-east-1:123456789012:cluster/c${index}/*`) }] })
    const tooLarge = errorOf(await api.call({ Action: 'PutUserPolicy', UserName: 'alice', PolicyName: 'p', PolicyDocument: huge }))
    assert.deepEqual([tooLarge.statusCode, tooLarge.code], [409, 'LimitExceeded'])
    assert.equal(errorOf(await api.call({ Action: 'PutUserPolicy', UserName: 'nobody', PolicyName: 'p', PolicyDocument: GUIDE_POLICY })).code, 'NoSuchEntity')
  })
})

describe('IAM managed policies', () => {
  it('CreatePolicy, GetPolicy, ListPolicies, attach to a user, DeletePolicy refused while attached', async () => {
    const api = await startQueryApi()
    await api.store.createUser(api.accountId, { userName: 'alice' })
    const created = await api.call({ Action: 'CreatePolicy', PolicyName: 'guide-client', Path: '/kafka/', Description: 'the guide\'s <client> policy', PolicyDocument: GUIDE_POLICY })
    assert.equal(created.statusCode, 200, created.body)
    const arn = `arn:aws:iam::${api.accountId}:policy/kafka/guide-client`
    assert.deepEqual([created.text('Arn'), created.text('DefaultVersionId'), created.text('AttachmentCount'), created.text('IsAttachable')], [arn, 'v1', '0', 'true'])
    assert.match(created.text('PolicyId'), /^ANPA[A-Z2-7]{17}$/)
    assert.match(created.body, /<Description>the guide&apos;s &lt;client&gt; policy<\/Description>/)
    assert.equal(errorOf(await api.call({ Action: 'CreatePolicy', PolicyName: 'guide-client', PolicyDocument: GUIDE_POLICY })).code, 'EntityAlreadyExists')

    assert.equal((await api.call({ Action: 'AttachUserPolicy', UserName: 'alice', PolicyArn: arn })).statusCode, 200)
    const attached = await api.call({ Action: 'ListAttachedUserPolicies', UserName: 'alice' })
    assert.match(attached.body, new RegExp(`<AttachedPolicies><member><PolicyName>guide-client</PolicyName><PolicyArn>${arn}</PolicyArn></member></AttachedPolicies>`))
    assert.deepEqual((await api.call({ Action: 'ListAttachedUserPolicies', UserName: 'alice', PathPrefix: '/other/' })).texts('PolicyArn'), [])
    assert.equal((await api.call({ Action: 'GetPolicy', PolicyArn: arn })).text('AttachmentCount'), '1')
    assert.deepEqual((await api.call({ Action: 'ListPolicies', Scope: 'Local', OnlyAttached: 'true' })).texts('Arn'), [arn])
    assert.deepEqual((await api.call({ Action: 'ListPolicies', Scope: 'AWS' })).texts('Arn'), [])
    assert.equal(errorOf(await api.call({ Action: 'ListPolicies', Scope: 'Mine' })).code, 'ValidationError')

    const conflict = errorOf(await api.call({ Action: 'DeletePolicy', PolicyArn: arn }))
    assert.deepEqual([conflict.statusCode, conflict.code], [409, 'DeleteConflict'])
    assert.equal((await api.call({ Action: 'DetachUserPolicy', UserName: 'alice', PolicyArn: arn })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'DetachUserPolicy', UserName: 'alice', PolicyArn: arn })).code, 'NoSuchEntity')
    assert.equal((await api.call({ Action: 'DeletePolicy', PolicyArn: arn })).statusCode, 200)
    assert.deepEqual([errorOf(await api.call({ Action: 'GetPolicy', PolicyArn: arn })).statusCode], [404])
  })

  it('an attached managed policy grants its actions to the user at once', async () => {
    const api = await startQueryApi()
    const alice = await api.addUser('alice')
    assert.equal(errorOf(await api.call({ Action: 'ListRoles' }, { credentials: alice })).code, 'AccessDenied')
    const created = await api.call({ Action: 'CreatePolicy', PolicyName: 'roles-reader', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}' })
    await api.call({ Action: 'AttachUserPolicy', UserName: 'alice', PolicyArn: created.text('Arn') })
    assert.equal((await api.call({ Action: 'ListRoles' }, { credentials: alice })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'AttachUserPolicy', UserName: 'alice', PolicyArn: `arn:aws:iam::${api.accountId}:policy/none` })).code, 'NoSuchEntity')
  })
})
