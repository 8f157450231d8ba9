// STS GetCallerIdentity and AssumeRole through handleQueryRequest: temporary credentials that sign
// further requests with their session token until they expire, and the trust check's refusals.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorOf, startQueryApi, type QueryApi } from '../../../../test/helpers/query-api.ts'

async function createRole (api: QueryApi, roleName: string, trustedArn: string): Promise<string> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: trustedArn }, Action: 'sts:AssumeRole' }] })
  const created = await api.call({ Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: trust })
  assert.equal(created.statusCode, 200, created.body)
  return created.text('Arn')
}

describe('STS', () => {
  it('GetCallerIdentity answers the caller in the STS namespace, needing no permission', async () => {
    const api = await startQueryApi()
    const bare = await api.addUser('bare')
    const response = await api.call({ Action: 'GetCallerIdentity' }, { credentials: bare })
    assert.equal(response.statusCode, 200, response.body)
    const user = await api.store.getUser(api.accountId, 'bare')
    assert.match(response.body, new RegExp(`^<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>${user.userId}</UserId><Account>${api.accountId}</Account><Arn>${user.arn}</Arn></GetCallerIdentityResult><ResponseMetadata>`))
    const unsigned = await api.call({ Action: 'GetCallerIdentity' }, { isUnsigned: true })
    assert.match(unsigned.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">.*<Code>MissingAuthenticationToken<\/Code>/)
  })

  it('AssumeRole returns temporary credentials that sign as the role session until they expire', async () => {
    const api = await startQueryApi()
    const roleArn = await createRole(api, 'reader', api.admin.arn)
    await api.call({ Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'list', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}' })
    const assumed = await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'job-1', DurationSeconds: '900' })
    assert.equal(assumed.statusCode, 200, assumed.body)
    assert.match(assumed.body, /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA/)
    assert.equal(assumed.text('Expiration'), '2026-01-15T12:15:00Z')
    assert.equal(assumed.text('Arn'), `arn:aws:sts::${api.accountId}:assumed-role/reader/job-1`)
    assert.match(assumed.text('AssumedRoleId'), /^AROA[A-Z2-7]{17}:job-1$/)
    const session = { accessKeyId: assumed.text('AccessKeyId'), secretAccessKey: assumed.text('SecretAccessKey'), sessionToken: assumed.text('SessionToken') }

    const identity = await api.call({ Action: 'GetCallerIdentity' }, { credentials: session })
    assert.equal(identity.text('Arn'), `arn:aws:sts::${api.accountId}:assumed-role/reader/job-1`)
    assert.equal((await api.call({ Action: 'ListUsers' }, { credentials: session })).statusCode, 200, 'the role\'s policy applies')
    assert.equal(errorOf(await api.call({ Action: 'CreateUser', UserName: 'x' }, { credentials: session })).code, 'AccessDenied')
    assert.equal(errorOf(await api.call({ Action: 'ListAccessKeys', UserName: 'admin' }, { credentials: session })).code, 'AccessDenied')
    const withoutToken = errorOf(await api.call({ Action: 'GetCallerIdentity' }, { credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey } }))
    assert.deepEqual([withoutToken.statusCode, withoutToken.code], [403, 'InvalidClientTokenId'])

    api.advance(901_000)
    const expired = errorOf(await api.call({ Action: 'GetCallerIdentity' }, { credentials: session }))
    // The store no longer finds an expired key at all, so this is the unknown-key answer.
    assert.deepEqual([expired.statusCode, expired.code], [403, 'InvalidClientTokenId'])
  })

  it('a role session without UserName gets ValidationError from GetUser', async () => {
    const api = await startQueryApi()
    const roleArn = await createRole(api, 'admin-role', api.admin.arn)
    await api.call({ Action: 'PutRolePolicy', RoleName: 'admin-role', PolicyName: 'all', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' })
    const assumed = await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'ops' })
    const session = { accessKeyId: assumed.text('AccessKeyId'), secretAccessKey: assumed.text('SecretAccessKey'), sessionToken: assumed.text('SessionToken') }
    const response = errorOf(await api.call({ Action: 'GetUser' }, { credentials: session }))
    assert.deepEqual([response.statusCode, response.code, response.message], [400, 'ValidationError', 'Must specify userName when calling with non-User credentials'])
  })

  it('AssumeRole is refused AccessDenied when the trust policy does not name the caller, or the role does not exist', async () => {
    const api = await startQueryApi()
    const roleArn = await createRole(api, 'private', api.admin.arn)
    const other = await api.addUser('other', ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'])
    const refused = errorOf(await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 's1' }, { credentials: other }))
    assert.deepEqual([refused.statusCode, refused.type, refused.code], [403, 'Sender', 'AccessDenied'])
    assert.match(refused.message, new RegExp(`^User: arn:aws:iam::${api.accountId}:user/other is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`))
    const unknown = errorOf(await api.call({ Action: 'AssumeRole', RoleArn: `arn:aws:iam::${api.accountId}:role/none`, RoleSessionName: 's1' }))
    assert.deepEqual([unknown.statusCode, unknown.code], [403, 'AccessDenied'])
    const session = errorOf(await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'x' }))
    assert.deepEqual([session.statusCode, session.code], [400, 'ValidationError'])
    const policy = errorOf(await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 's1', Policy: '{}' }))
    assert.deepEqual([policy.code, /Policy is not supported/.test(policy.message)], ['ValidationError', true])
    const signedForIam = errorOf(await api.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 's1' }, { service: 'iam' }))
    assert.equal(signedForIam.code, 'SignatureDoesNotMatch')
  })
})
