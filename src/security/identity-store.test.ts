import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ServiceError } from '../common/errors.ts'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { CatalogIdentityDirectory } from './catalog-identity-directory.ts'
import { compilePolicy } from './iam/compiled-policy.ts'
import { PolicySet } from './iam/policy-evaluator.ts'
import { IdentityStore } from './identity-store.ts'
import { SecretBox } from './secret-box.ts'

const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
const WRITE_TOPIC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kafka-cluster:WriteData","Resource":"arn:aws:kafka:us-east-1:*:topic/c/*/orders"}]}'

function isCode (code: string): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof ServiceError, String(error))
    assert.equal(error.code, code, error.message)
    return true
  }
}

async function setup () {
  const catalog = new MemoryCatalog()
  let nowMs = 1_700_000_000_000
  const clock = { nowMs: () => nowMs }
  const store = new IdentityStore({ catalog, secrets: new SecretBox(Buffer.alloc(32, 1)), clock })
  const { accountId } = await store.createAccount()
  return { catalog, store, accountId, directory: new CatalogIdentityDirectory(store), advance: (ms: number) => { nowMs += ms } }
}

function trust (principal: unknown, effect = 'Allow'): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: principal, Action: 'sts:AssumeRole' }] })
}

describe('IdentityStore', () => {
  it('creates users with IAM-shaped ids and ARNs, and refuses bad names and paths', async () => {
    const { store, accountId } = await setup()
    assert.match(accountId, /^[1-9]\d{11}$/)
    const user = await store.createUser(accountId, { userName: 'alice', path: '/team/' })
    assert.match(user.userId, /^AIDA[A-Z2-7]{17}$/)
    assert.equal(user.arn, `arn:aws:iam::${accountId}:user/team/alice`)
    assert.deepEqual(await store.getUser(accountId, 'alice'), user)
    await assert.rejects(store.createUser(accountId, { userName: 'bad name' }), isCode('IAM_INVALID_INPUT'))
    await assert.rejects(store.createUser(accountId, { userName: 'x'.repeat(65) }), isCode('IAM_INVALID_INPUT'))
    await assert.rejects(store.createUser(accountId, { userName: 'bob', path: 'team' }), isCode('IAM_INVALID_INPUT'))
    await assert.rejects(store.getUser(accountId, 'nobody'), isCode('IAM_NO_SUCH_ENTITY'))
    assert.deepEqual((await store.listUsers(accountId, '/team/')).map(entry => entry.userName), ['alice'])
    assert.deepEqual(await store.listUsers(accountId, '/other/'), [])
  })

  it('returns a new secret once, stores it sealed, and looks the key up with its user as principal', async () => {
    const { catalog, store, accountId, directory } = await setup()
    const user = await store.createUser(accountId, { userName: 'alice' })
    const key = await store.createAccessKey(accountId, 'alice')
    assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/)
    assert.equal(key.secretAccessKey.length, 40)
    const stored = await catalog.getAccessKey(key.accessKeyId)
    assert.ok(stored !== undefined && !JSON.stringify(stored).includes(key.secretAccessKey), 'the catalog row does not hold the secret')
    assert.deepEqual(await directory.lookupAccessKey(key.accessKeyId), {
      secretAccessKey: key.secretAccessKey,
      principal: { accountId, arn: user.arn, userId: user.userId, name: 'alice', kind: 'user' }
    })
    assert.deepEqual((await store.listAccessKeys(accountId, 'alice')).map(entry => Object.keys(entry).includes('secretAccessKey')), [false])
    await store.createAccessKey(accountId, 'alice')
    await assert.rejects(store.createAccessKey(accountId, 'alice'), isCode('IAM_LIMIT_EXCEEDED'))

    await store.updateAccessKey(accountId, 'alice', key.accessKeyId, 'Inactive')
    assert.equal(await directory.lookupAccessKey(key.accessKeyId), undefined, 'an inactive key is not found')
    await store.updateAccessKey(accountId, 'alice', key.accessKeyId, 'Active')
    assert.ok(await directory.lookupAccessKey(key.accessKeyId))
    await assert.rejects(store.deleteUser(accountId, 'alice'), isCode('IAM_DELETE_CONFLICT'))
    await store.deleteAccessKey(accountId, 'alice', key.accessKeyId)
    assert.equal(await directory.lookupAccessKey(key.accessKeyId), undefined)
  })

  it('validates policy documents on write and applies IAM\'s inline size quota per user', async () => {
    const { store, accountId, directory } = await setup()
    await store.createUser(accountId, { userName: 'alice' })
    await assert.rejects(store.policies.putInlinePolicy(accountId, 'user', 'alice', 'p', '{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}'), isCode('IAM_POLICY_MALFORMED'))
    await assert.rejects(store.policies.putInlinePolicy(accountId, 'user', 'nobody', 'p', ALLOW_ALL), isCode('IAM_NO_SUCH_ENTITY'))
    const big = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kafka-cluster:WriteData', Resource: `arn:aws:kafka:us-east-1:1:topic/${'a'.repeat(1100)}` }] })
    await store.policies.putInlinePolicy(accountId, 'user', 'alice', 'big', big)
    await assert.rejects(store.policies.putInlinePolicy(accountId, 'user', 'alice', 'big2', big), isCode('IAM_LIMIT_EXCEEDED'))
    await store.policies.putInlinePolicy(accountId, 'user', 'alice', 'big', ALLOW_ALL)
    await store.policies.putInlinePolicy(accountId, 'user', 'alice', 'topic', WRITE_TOPIC)
    assert.deepEqual(await store.policies.listInlinePolicyNames(accountId, 'user', 'alice'), ['big', 'topic'])
    const counter = await directory.changeCounter()
    const policy = await store.policies.createPolicy(accountId, { policyName: 'Writers', document: WRITE_TOPIC })
    assert.equal(policy.arn, `arn:aws:iam::${accountId}:policy/Writers`)
    assert.match(policy.policyId, /^ANPA/)
    await store.policies.attachPolicy(accountId, 'user', 'alice', policy.arn)
    assert.ok(await directory.changeCounter() > counter)
    const user = await store.getUser(accountId, 'alice')
    assert.deepEqual((await directory.policiesOf(store.userPrincipal(user))).map(entry => entry.name), ['user/alice/big', 'user/alice/topic', policy.arn])
    await assert.rejects(store.policies.deletePolicy(accountId, policy.arn), isCode('IAM_DELETE_CONFLICT'))
    assert.deepEqual((await store.policies.listPolicies(accountId, { isOnlyAttached: true })).map(entry => entry.policyName), ['Writers'])
    await store.policies.detachPolicy(accountId, 'user', 'alice', policy.arn)
    await store.policies.deletePolicy(accountId, policy.arn)
    await assert.rejects(store.policies.getPolicy(accountId, policy.arn), isCode('IAM_NO_SUCH_ENTITY'))
  })

  it('assumes a role whose trust policy names the caller: an ASIA key with session token, expiring, with the role\'s policies', async () => {
    const { store, accountId, directory, advance } = await setup()
    const alice = await store.createUser(accountId, { userName: 'alice' })
    const role = await store.createRole(accountId, { roleName: 'writer', assumeRolePolicyDocument: trust({ AWS: alice.arn }), maxSessionDurationSec: 7200 })
    assert.match(role.roleId, /^AROA/)
    await store.policies.putInlinePolicy(accountId, 'role', 'writer', 'write', WRITE_TOPIC)
    const caller = store.userPrincipal(alice)
    await assert.rejects(store.assumeRole(caller, { roleArn: role.arn, roleSessionName: 's1', durationSec: 899 }), isCode('IAM_INVALID_INPUT'))
    await assert.rejects(store.assumeRole(caller, { roleArn: role.arn, roleSessionName: 's1', durationSec: 7201 }), isCode('IAM_INVALID_INPUT'))
    await assert.rejects(store.assumeRole(caller, { roleArn: `arn:aws:iam::${accountId}:role/nope`, roleSessionName: 's1' }), isCode('IAM_NO_SUCH_ENTITY'))
    const session = await store.assumeRole(caller, { roleArn: role.arn, roleSessionName: 'batch-1', durationSec: 900 })
    assert.match(session.accessKeyId, /^ASIA[A-Z2-7]{16}$/)
    assert.equal(session.assumedRoleArn, `arn:aws:sts::${accountId}:assumed-role/writer/batch-1`)
    const credential = await directory.lookupAccessKey(session.accessKeyId)
    assert.deepEqual(credential, {
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiresAtMs: session.expiresAtMs,
      principal: { accountId, arn: session.assumedRoleArn, userId: `${role.roleId}:batch-1`, name: 'writer', kind: 'assumed-role' }
    })
    assert.deepEqual(store.getCallerIdentity(credential.principal), { account: accountId, arn: session.assumedRoleArn, userId: `${role.roleId}:batch-1` })
    const policies = await directory.policiesOf(credential.principal)
    const decision = new PolicySet(policies.map(policy => compilePolicy(policy.name, policy.document)))
      .evaluate({ action: 'kafka-cluster:WriteData', resource: 'arn:aws:kafka:us-east-1:1:topic/c/u/orders' })
    assert.equal(decision.isAllowed, true)
    advance(900_000)
    assert.equal(await directory.lookupAccessKey(session.accessKeyId), undefined, 'expired')
  })

  it('refuses AssumeRole when the trust policy does not allow the caller, or denies it explicitly', async () => {
    const { store, accountId } = await setup()
    const alice = store.userPrincipal(await store.createUser(accountId, { userName: 'alice' }))
    const bob = store.userPrincipal(await store.createUser(accountId, { userName: 'bob' }))
    const role = await store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: alice.arn }) })
    await assert.rejects(store.assumeRole(bob, { roleArn: role.arn, roleSessionName: 'bb' }), (error: unknown) =>
      isCode('IAM_ACCESS_DENIED')(error) && /no statement allows sts:AssumeRole/.test((error as Error).message))
    const denied = await store.createRole(accountId, {
      roleName: 'd',
      assumeRolePolicyDocument: JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }
        ]
      })
    })
    await assert.rejects(store.assumeRole(alice, { roleArn: denied.arn, roleSessionName: 'aa' }), isCode('IAM_ACCESS_DENIED'))
  })

  it('when the trust policy trusts only the account, the caller\'s own policies must allow sts:AssumeRole', async () => {
    const { store, accountId } = await setup()
    const alice = store.userPrincipal(await store.createUser(accountId, { userName: 'alice' }))
    const role = await store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${accountId}:root` }) })
    await assert.rejects(store.assumeRole(alice, { roleArn: role.arn, roleSessionName: 'aa' }), isCode('IAM_ACCESS_DENIED'))
    await store.policies.putInlinePolicy(accountId, 'user', 'alice', 'assume', JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.arn } }))
    assert.match((await store.assumeRole(alice, { roleArn: role.arn, roleSessionName: 'aa' })).accessKeyId, /^ASIA/)
  })

  it('validates trust policies on CreateRole and drops a deleted role\'s sessions', async () => {
    const { store, accountId, directory } = await setup()
    const alice = store.userPrincipal(await store.createUser(accountId, { userName: 'alice' }))
    await assert.rejects(store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: '{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}' }), isCode('IAM_POLICY_MALFORMED'))
    await assert.rejects(store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: 'bob' }) }), isCode('IAM_POLICY_MALFORMED'))
    await assert.rejects(store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: trust('*'), maxSessionDurationSec: 60 }), isCode('IAM_INVALID_INPUT'))
    const role = await store.createRole(accountId, { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: alice.arn }) })
    const session = await store.assumeRole(alice, { roleArn: role.arn, roleSessionName: 'aa' })
    await store.deleteRole(accountId, 'r')
    assert.equal(await directory.lookupAccessKey(session.accessKeyId), undefined)
  })
})
