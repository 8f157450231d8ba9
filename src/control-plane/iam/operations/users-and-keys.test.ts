// IAM CreateUser, GetUser, ListUsers, DeleteUser, CreateAccessKey, ListAccessKeys, UpdateAccessKey
// and DeleteAccessKey through handleQueryRequest, signed as the SDKs sign.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorOf, startQueryApi } from '../../../../test/helpers/query-api.ts'

describe('IAM users', () => {
  it('CreateUser refuses a taken name (any case) with EntityAlreadyExists 409', async () => {
    const api = await startQueryApi()
    assert.equal((await api.call({ Action: 'CreateUser', UserName: 'alice' })).statusCode, 200)
    const taken = errorOf(await api.call({ Action: 'CreateUser', UserName: 'ALICE' }))
    assert.deepEqual([taken.statusCode, taken.type, taken.code], [409, 'Sender', 'EntityAlreadyExists'])
    const tags = errorOf(await api.call({ Action: 'CreateUser', UserName: 'bob', 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'dev' }))
    assert.deepEqual([tags.statusCode, tags.code], [400, 'ValidationError'])
    assert.match(tags.message, /Tags is not supported/)
  })

  it('GetUser answers the named user, or without UserName the caller', async () => {
    const api = await startQueryApi()
    const me = await api.call({ Action: 'GetUser' })
    assert.deepEqual([me.text('UserName'), me.text('Arn'), me.text('UserId')], ['admin', api.admin.arn, api.admin.userId])
    await api.store.createUser(api.accountId, { userName: 'alice' })
    assert.equal((await api.call({ Action: 'GetUser', UserName: 'alice' })).text('UserName'), 'alice')
    const missing = errorOf(await api.call({ Action: 'GetUser', UserName: 'nobody' }))
    assert.deepEqual([missing.statusCode, missing.code, missing.message], [404, 'NoSuchEntity', 'The user with name nobody cannot be found.'])
  })

  it('ListUsers filters by PathPrefix and pages with MaxItems and Marker', async () => {
    const api = await startQueryApi()
    for (const name of ['u1', 'u2', 'u3', 'u4']) await api.store.createUser(api.accountId, { userName: name, path: '/p/' })
    const first = await api.call({ Action: 'ListUsers', PathPrefix: '/p/', MaxItems: '3' })
    assert.deepEqual(first.texts('UserName'), ['u1', 'u2', 'u3'])
    assert.equal(first.text('IsTruncated'), 'true')
    assert.match(first.body, /<Users><member><Path>\/p\/<\/Path><UserName>u1<\/UserName>/)
    const second = await api.call({ Action: 'ListUsers', PathPrefix: '/p/', MaxItems: '3', Marker: first.text('Marker') })
    assert.deepEqual(second.texts('UserName'), ['u4'])
    assert.deepEqual([second.text('IsTruncated'), second.texts('Marker')], ['false', []])
    assert.deepEqual((await api.call({ Action: 'ListUsers' })).texts('UserName'), ['admin', 'u1', 'u2', 'u3', 'u4'])
    assert.equal(errorOf(await api.call({ Action: 'ListUsers', MaxItems: '0' })).code, 'ValidationError')
    assert.equal(errorOf(await api.call({ Action: 'ListUsers', Marker: '!!' })).code, 'ValidationError')
    const none = await api.call({ Action: 'ListUsers', PathPrefix: '/none/' })
    assert.match(none.body, /<ListUsersResult><Users><\/Users><IsTruncated>false<\/IsTruncated><\/ListUsersResult>/)
  })

  it('DeleteUser answers DeleteConflict 409 while the user has keys', async () => {
    const api = await startQueryApi()
    await api.addUser('alice')
    const conflict = errorOf(await api.call({ Action: 'DeleteUser', UserName: 'alice' }))
    assert.deepEqual([conflict.statusCode, conflict.code], [409, 'DeleteConflict'])
  })
})

describe('IAM access keys', () => {
  it('CreateAccessKey returns the secret once; the key then signs requests; a third key is LimitExceeded', async () => {
    const api = await startQueryApi()
    await api.store.createUser(api.accountId, { userName: 'alice' })
    const created = await api.call({ Action: 'CreateAccessKey', UserName: 'alice' })
    assert.equal(created.statusCode, 200, created.body)
    assert.deepEqual([created.text('UserName'), created.text('Status'), created.text('CreateDate')], ['alice', 'Active', '2026-01-15T12:00:00Z'])
    const credentials = { accessKeyId: created.text('AccessKeyId'), secretAccessKey: created.text('SecretAccessKey') }
    assert.match(credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/)
    assert.equal(credentials.secretAccessKey.length, 40)
    const identity = await api.call({ Action: 'GetCallerIdentity' }, { credentials })
    assert.equal(identity.text('Arn'), `arn:aws:iam::${api.accountId}:user/alice`)
    await api.call({ Action: 'CreateAccessKey', UserName: 'alice' })
    const third = errorOf(await api.call({ Action: 'CreateAccessKey', UserName: 'alice' }))
    assert.deepEqual([third.statusCode, third.code], [409, 'LimitExceeded'])
  })

  it('ListAccessKeys shows metadata, never secrets; without UserName the caller\'s keys', async () => {
    const api = await startQueryApi()
    const alice = await api.addUser('alice')
    const listed = await api.call({ Action: 'ListAccessKeys', UserName: 'alice' })
    assert.deepEqual(listed.texts('AccessKeyId'), [alice.accessKeyId])
    assert.ok(!listed.body.includes(alice.secretAccessKey) && !listed.body.includes('SecretAccessKey'))
    assert.match(listed.body, /<AccessKeyMetadata><member><UserName>alice<\/UserName><AccessKeyId>AKIA\w+<\/AccessKeyId><Status>Active<\/Status><CreateDate>/)
    assert.deepEqual((await api.call({ Action: 'ListAccessKeys' })).texts('AccessKeyId'), [api.adminCredentials.accessKeyId])
  })

  it('UpdateAccessKey deactivates a key and DeleteAccessKey removes it: both stop signing', async () => {
    const api = await startQueryApi()
    const alice = await api.addUser('alice', ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'])
    assert.equal((await api.call({ Action: 'GetUser' }, { credentials: alice })).statusCode, 200)
    assert.equal((await api.call({ Action: 'UpdateAccessKey', UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'GetUser' }, { credentials: alice })).code, 'InvalidClientTokenId')
    assert.equal(errorOf(await api.call({ Action: 'UpdateAccessKey', UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Sleeping' })).code, 'ValidationError')
    assert.equal((await api.call({ Action: 'DeleteAccessKey', UserName: 'alice', AccessKeyId: alice.accessKeyId })).statusCode, 200)
    assert.deepEqual((await api.call({ Action: 'ListAccessKeys', UserName: 'alice' })).texts('AccessKeyId'), [])
    const again = errorOf(await api.call({ Action: 'DeleteAccessKey', UserName: 'alice', AccessKeyId: alice.accessKeyId }))
    assert.deepEqual([again.statusCode, again.code], [404, 'NoSuchEntity'])
    assert.equal((await api.call({ Action: 'DeleteUserPolicy', UserName: 'alice', PolicyName: 'p0' })).statusCode, 200)
    assert.equal((await api.call({ Action: 'DeleteUser', UserName: 'alice' })).statusCode, 200)
  })
})
