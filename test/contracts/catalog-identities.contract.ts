// The Catalog contract, IAM half: accounts, users, roles, access keys, inline and managed policies,
// attachments, IAM's refusals (exists, no such entity, delete conflict, limits) and the change
// counter. Run by runCatalogContract on every backend; runIdentityReopenContract by persistent ones.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { ServiceError } from '../../src/common/errors.ts'
import type { Catalog } from '../../src/storage/catalog.ts'
import type { AccessKeyRecord, ManagedPolicyRecord, RoleRecord, UserRecord } from '../../src/storage/catalog-identities.ts'
import { opened } from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'

const ACCOUNT = '123456789012'
const OTHER_ACCOUNT = '210987654321'
const DOCUMENT = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'
let serial = 0

export function isIamError (code: string): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    return true
  }
}

function userRecord (userName: string, accountId = ACCOUNT): UserRecord {
  return { accountId, userName, path: '/', userId: `AIDA${String(++serial).padStart(17, '0')}`, arn: `arn:aws:iam::${accountId}:user/${userName}`, createdAtMs: 1000 + serial }
}

function roleRecord (roleName: string): RoleRecord {
  return {
    accountId: ACCOUNT,
    roleName,
    path: '/',
    roleId: `AROA${String(++serial).padStart(17, '0')}`,
    arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    assumeRolePolicyDocument: '{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}',
    maxSessionDurationSec: 3600,
    description: 'test role',
    createdAtMs: 2000
  }
}

function userKey (userName: string, fields: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId: `AKIA${String(++serial).padStart(16, '0')}`,
    accountId: ACCOUNT,
    userName,
    roleName: null,
    roleSessionName: null,
    status: 'Active',
    sealedSecret: `sealed-${serial}`,
    sealedSessionToken: null,
    expiresAtMs: null,
    createdAtMs: 3000 + serial,
    lastUsedAtMs: null,
    ...fields
  }
}

function sessionKey (roleName: string, expiresAtMs: number): AccessKeyRecord {
  return userKey('', { accessKeyId: `ASIA${String(++serial).padStart(16, '0')}`, userName: null, roleName, roleSessionName: 'session', sealedSessionToken: 'sealed-token', expiresAtMs })
}

function managedPolicy (policyName: string, accountId = ACCOUNT): ManagedPolicyRecord {
  return {
    accountId,
    policyName,
    path: '/',
    policyId: `ANPA${String(++serial).padStart(17, '0')}`,
    arn: `arn:aws:iam::${accountId}:policy/${policyName}`,
    description: '',
    document: DOCUMENT,
    defaultVersionId: 'v1',
    createdAtMs: 4000,
    updatedAtMs: 4000,
    attachmentCount: 0
  }
}

async function withAccount (open: OpenCatalog, t: TestContext): Promise<Catalog> {
  const catalog = await opened(open, t)
  await catalog.createAccount({ accountId: ACCOUNT, createdAtMs: 1 })
  return catalog
}

export function runCatalogIdentitiesContract (open: OpenCatalog): void {
  describe('identities', () => {
    it('stores accounts and refuses a second one with the same id', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createAccount({ accountId: OTHER_ACCOUNT, createdAtMs: 2 })
      assert.deepEqual(await catalog.getAccount(ACCOUNT), { accountId: ACCOUNT, createdAtMs: 1 })
      assert.equal(await catalog.getAccount('000000000000'), undefined)
      assert.deepEqual((await catalog.listAccounts()).map(account => account.accountId), [ACCOUNT, OTHER_ACCOUNT])
      await assert.rejects(catalog.createAccount({ accountId: ACCOUNT, createdAtMs: 3 }), isIamError('IAM_ENTITY_EXISTS'))
    })

    it('creates, finds regardless of case, lists by name and deletes users; names are unique per account', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createAccount({ accountId: OTHER_ACCOUNT, createdAtMs: 2 })
      const bob = userRecord('bob')
      await catalog.createUser(bob)
      await catalog.createUser(userRecord('Alice'))
      await catalog.createUser(userRecord('bob', OTHER_ACCOUNT))
      assert.deepEqual(await catalog.getUser(ACCOUNT, 'bob'), bob)
      assert.deepEqual(await catalog.getUser(ACCOUNT, 'BOB'), bob)
      assert.equal(await catalog.getUser(ACCOUNT, 'carol'), undefined)
      assert.deepEqual((await catalog.listUsers(ACCOUNT)).map(user => user.userName), ['Alice', 'bob'])
      await assert.rejects(catalog.createUser(userRecord('Bob')), isIamError('IAM_ENTITY_EXISTS'))
      await assert.rejects(catalog.createUser(userRecord('dave', '999999999999')), isIamError('IAM_NO_SUCH_ENTITY'))
      await catalog.deleteUser(ACCOUNT, 'BOB')
      assert.equal(await catalog.getUser(ACCOUNT, 'bob'), undefined)
      assert.ok(await catalog.getUser(OTHER_ACCOUNT, 'bob'))
      await assert.rejects(catalog.deleteUser(ACCOUNT, 'bob'), isIamError('IAM_NO_SUCH_ENTITY'))
    })

    it('refuses to delete a user while keys, inline or attached policies remain', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createUser(userRecord('alice'))
      const key = userKey('alice')
      await catalog.createAccessKey(key, 2)
      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'alice', policyName: 'inline', document: DOCUMENT })
      const policy = managedPolicy('managed')
      await catalog.createManagedPolicy(policy)
      await catalog.attachPolicy(ACCOUNT, 'user', 'alice', policy.arn, 10)
      await assert.rejects(catalog.deleteUser(ACCOUNT, 'alice'), isIamError('IAM_DELETE_CONFLICT'))
      await catalog.deleteAccessKey(ACCOUNT, 'alice', key.accessKeyId)
      await assert.rejects(catalog.deleteUser(ACCOUNT, 'alice'), isIamError('IAM_DELETE_CONFLICT'))
      await catalog.deleteInlinePolicy(ACCOUNT, 'user', 'alice', 'inline')
      await assert.rejects(catalog.deleteUser(ACCOUNT, 'alice'), isIamError('IAM_DELETE_CONFLICT'))
      await catalog.detachPolicy(ACCOUNT, 'user', 'alice', policy.arn)
      await catalog.deleteUser(ACCOUNT, 'alice')
      assert.equal(await catalog.getUser(ACCOUNT, 'alice'), undefined)
    })

    it('keeps a user\'s access keys: at most the limit, status changes, deletes only the owner\'s', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createUser(userRecord('alice'))
      await catalog.createUser(userRecord('bob'))
      const first = userKey('alice')
      const second = userKey('alice')
      await catalog.createAccessKey(first, 2)
      await catalog.createAccessKey(second, 2)
      await assert.rejects(catalog.createAccessKey(userKey('alice'), 2), isIamError('IAM_LIMIT_EXCEEDED'))
      await assert.rejects(catalog.createAccessKey({ ...userKey('bob'), accessKeyId: first.accessKeyId }, 2), isIamError('IAM_ENTITY_EXISTS'))
      await assert.rejects(catalog.createAccessKey(userKey('carol'), 2), isIamError('IAM_NO_SUCH_ENTITY'))
      assert.deepEqual(await catalog.getAccessKey(first.accessKeyId), first)
      assert.equal(await catalog.getAccessKey('AKIANOSUCHKEY0000000'), undefined)
      assert.deepEqual(await catalog.listAccessKeys(ACCOUNT, 'ALICE'), [first, second])
      assert.deepEqual(await catalog.listAccessKeys(ACCOUNT, 'bob'), [])

      await catalog.updateAccessKeyStatus(ACCOUNT, 'alice', first.accessKeyId, 'Inactive')
      assert.equal((await catalog.getAccessKey(first.accessKeyId))?.status, 'Inactive')
      await assert.rejects(catalog.updateAccessKeyStatus(ACCOUNT, 'bob', first.accessKeyId, 'Active'), isIamError('IAM_NO_SUCH_ENTITY'))
      await assert.rejects(catalog.deleteAccessKey(ACCOUNT, 'bob', first.accessKeyId), isIamError('IAM_NO_SUCH_ENTITY'))
      await catalog.recordAccessKeyUse(second.accessKeyId, 9999)
      assert.equal((await catalog.getAccessKey(second.accessKeyId))?.lastUsedAtMs, 9999)
      await catalog.deleteAccessKey(ACCOUNT, 'alice', first.accessKeyId)
      assert.equal(await catalog.getAccessKey(first.accessKeyId), undefined)
      await catalog.createAccessKey(userKey('alice'), 2)
    })

    it('stores roles with session keys, drops expired ones, and deletes a role with its sessions', async t => {
      const catalog = await withAccount(open, t)
      const role = roleRecord('reader')
      await catalog.createRole(role)
      await assert.rejects(catalog.createRole(roleRecord('READER')), isIamError('IAM_ENTITY_EXISTS'))
      assert.deepEqual(await catalog.getRole(ACCOUNT, 'Reader'), role)
      assert.deepEqual((await catalog.listRoles(ACCOUNT)).map(entry => entry.roleName), ['reader'])
      const live = sessionKey('reader', 10_000)
      const expired = sessionKey('reader', 5_000)
      await catalog.createAccessKey(live, 2)
      await catalog.createAccessKey(expired, 2)
      await assert.rejects(catalog.createAccessKey(sessionKey('writer', 10_000), 2), isIamError('IAM_NO_SUCH_ENTITY'))
      assert.deepEqual(await catalog.getAccessKey(live.accessKeyId), live)
      assert.equal(await catalog.deleteExpiredAccessKeys(6_000), 1)
      assert.equal(await catalog.getAccessKey(expired.accessKeyId), undefined)

      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'role', holderName: 'reader', policyName: 'p', document: DOCUMENT })
      await assert.rejects(catalog.deleteRole(ACCOUNT, 'reader'), isIamError('IAM_DELETE_CONFLICT'))
      await catalog.deleteInlinePolicy(ACCOUNT, 'role', 'reader', 'p')
      await catalog.deleteRole(ACCOUNT, 'reader')
      assert.equal(await catalog.getRole(ACCOUNT, 'reader'), undefined)
      assert.equal(await catalog.getAccessKey(live.accessKeyId), undefined)
      await assert.rejects(catalog.deleteRole(ACCOUNT, 'reader'), isIamError('IAM_NO_SUCH_ENTITY'))
    })

    it('puts, replaces, lists and deletes inline policies of users and roles separately', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createUser(userRecord('ops'))
      await catalog.createRole(roleRecord('ops'))
      const other = DOCUMENT.replace('"*","Resource"', '"kafka-cluster:*","Resource"')
      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'ops', policyName: 'b', document: DOCUMENT })
      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'ops', policyName: 'a', document: DOCUMENT })
      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'ops', policyName: 'B', document: other })
      await catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'role', holderName: 'ops', policyName: 'r', document: DOCUMENT })
      await assert.rejects(
        catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'nobody', policyName: 'a', document: DOCUMENT }),
        isIamError('IAM_NO_SUCH_ENTITY')
      )
      const policies = await catalog.listInlinePolicies(ACCOUNT, 'user', 'ops')
      assert.deepEqual(policies.map(policy => [policy.policyName, policy.document]), [['a', DOCUMENT], ['b', other]])
      assert.deepEqual(await catalog.getInlinePolicy(ACCOUNT, 'user', 'ops', 'A'), { accountId: ACCOUNT, holderType: 'user', holderName: 'ops', policyName: 'a', document: DOCUMENT })
      assert.deepEqual((await catalog.listInlinePolicies(ACCOUNT, 'role', 'ops')).map(policy => policy.policyName), ['r'])
      assert.equal(await catalog.getInlinePolicy(ACCOUNT, 'role', 'ops', 'a'), undefined)
      await catalog.deleteInlinePolicy(ACCOUNT, 'user', 'ops', 'a')
      await assert.rejects(catalog.deleteInlinePolicy(ACCOUNT, 'user', 'ops', 'a'), isIamError('IAM_NO_SUCH_ENTITY'))
      assert.deepEqual((await catalog.listInlinePolicies(ACCOUNT, 'user', 'ops')).map(policy => policy.policyName), ['b'])
    })

    it('creates managed policies, attaches them up to the limit, counts attachments and refuses to delete attached ones', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createUser(userRecord('alice'))
      await catalog.createRole(roleRecord('reader'))
      const writer = managedPolicy('writer')
      const admin = managedPolicy('admin')
      await catalog.createManagedPolicy(writer)
      await catalog.createManagedPolicy(admin)
      await assert.rejects(catalog.createManagedPolicy(managedPolicy('WRITER')), isIamError('IAM_ENTITY_EXISTS'))
      assert.deepEqual(await catalog.getManagedPolicy(ACCOUNT, writer.arn), writer)
      assert.equal(await catalog.getManagedPolicy(OTHER_ACCOUNT, writer.arn), undefined)
      assert.deepEqual((await catalog.listManagedPolicies(ACCOUNT)).map(policy => policy.policyName), ['admin', 'writer'])

      await catalog.attachPolicy(ACCOUNT, 'user', 'alice', writer.arn, 1)
      await catalog.attachPolicy(ACCOUNT, 'user', 'alice', writer.arn, 1)
      await assert.rejects(catalog.attachPolicy(ACCOUNT, 'user', 'alice', admin.arn, 1), isIamError('IAM_LIMIT_EXCEEDED'))
      await assert.rejects(catalog.attachPolicy(ACCOUNT, 'user', 'bob', writer.arn, 10), isIamError('IAM_NO_SUCH_ENTITY'))
      await assert.rejects(catalog.attachPolicy(ACCOUNT, 'user', 'alice', `${writer.arn}x`, 10), isIamError('IAM_NO_SUCH_ENTITY'))
      await catalog.attachPolicy(ACCOUNT, 'role', 'reader', writer.arn, 10)
      assert.equal((await catalog.getManagedPolicy(ACCOUNT, writer.arn))?.attachmentCount, 2)
      assert.deepEqual(await catalog.listAttachedPolicies(ACCOUNT, 'user', 'alice'), [{ ...writer, attachmentCount: 2 }])
      assert.deepEqual(await catalog.listAttachedPolicies(ACCOUNT, 'user', 'nobody'), [])

      await assert.rejects(catalog.deleteManagedPolicy(ACCOUNT, writer.arn), isIamError('IAM_DELETE_CONFLICT'))
      await catalog.detachPolicy(ACCOUNT, 'user', 'alice', writer.arn)
      await catalog.detachPolicy(ACCOUNT, 'role', 'reader', writer.arn)
      await assert.rejects(catalog.detachPolicy(ACCOUNT, 'role', 'reader', writer.arn), isIamError('IAM_NO_SUCH_ENTITY'))
      await catalog.deleteManagedPolicy(ACCOUNT, writer.arn)
      await assert.rejects(catalog.deleteManagedPolicy(ACCOUNT, writer.arn), isIamError('IAM_NO_SUCH_ENTITY'))
      assert.deepEqual((await catalog.listManagedPolicies(ACCOUNT)).map(policy => policy.policyName), ['admin'])
    })

    it('bumps the change counter on every identity write, not on reads, key use or refused writes', async t => {
      const catalog = await withAccount(open, t)
      const changes: number[] = [await catalog.identityChangeCounter()]
      const step = async (work: () => Promise<unknown>): Promise<number> => {
        await work()
        const value = await catalog.identityChangeCounter()
        changes.push(value)
        return value
      }
      const key = userKey('alice')
      await step(() => catalog.createUser(userRecord('alice')))
      await step(() => catalog.createAccessKey(key, 2))
      await step(() => catalog.updateAccessKeyStatus(ACCOUNT, 'alice', key.accessKeyId, 'Inactive'))
      await step(() => catalog.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'alice', policyName: 'p', document: DOCUMENT }))
      await step(() => catalog.createManagedPolicy(managedPolicy('m')))
      await step(() => catalog.attachPolicy(ACCOUNT, 'user', 'alice', managedPolicy('m').arn, 10))
      for (let index = 1; index < changes.length; index++) assert.ok(changes[index]! > changes[index - 1]!, `write ${index} bumped the counter: ${changes.join(', ')}`)
      const before = changes.at(-1)
      await catalog.listUsers(ACCOUNT)
      await catalog.recordAccessKeyUse(key.accessKeyId, 5)
      await assert.rejects(catalog.createUser(userRecord('alice')), isIamError('IAM_ENTITY_EXISTS'))
      await catalog.attachPolicy(ACCOUNT, 'user', 'alice', managedPolicy('m').arn, 10)
      assert.equal(await catalog.identityChangeCounter(), before)
    })

    it('returns copies: changing a returned record changes nothing stored', async t => {
      const catalog = await withAccount(open, t)
      await catalog.createUser(userRecord('alice'))
      const user = await catalog.getUser(ACCOUNT, 'alice')
      user!.path = '/changed/'
      assert.equal((await catalog.getUser(ACCOUNT, 'alice'))?.path, '/')
    })
  })
}

/** For persistent catalogs: every kind of identity row survives close and reopen, and so does the counter. */
export function runIdentityReopenContract (location: (t: TestContext) => Promise<() => Promise<Catalog>>): void {
  it('keeps accounts, users, roles, keys, policies, attachments and the change counter across close and reopen', async t => {
    const open = await location(t)
    const first = await open()
    await first.createAccount({ accountId: ACCOUNT, createdAtMs: 1 })
    const user = userRecord('alice')
    const role = roleRecord('reader')
    const key = userKey('alice')
    const session = sessionKey('reader', 50_000)
    const policy = managedPolicy('writer')
    await first.createUser(user)
    await first.createRole(role)
    await first.createAccessKey(key, 2)
    await first.createAccessKey(session, 2)
    await first.putInlinePolicy({ accountId: ACCOUNT, holderType: 'user', holderName: 'alice', policyName: 'p', document: DOCUMENT })
    await first.createManagedPolicy(policy)
    await first.attachPolicy(ACCOUNT, 'role', 'reader', policy.arn, 10)
    const counter = await first.identityChangeCounter()
    await first.close()

    const second = await open()
    t.after(() => second.close())
    assert.deepEqual(await second.listAccounts(), [{ accountId: ACCOUNT, createdAtMs: 1 }])
    assert.deepEqual(await second.getUser(ACCOUNT, 'alice'), user)
    assert.deepEqual(await second.getRole(ACCOUNT, 'reader'), role)
    assert.deepEqual(await second.getAccessKey(key.accessKeyId), key)
    assert.deepEqual(await second.getAccessKey(session.accessKeyId), session)
    assert.equal((await second.getInlinePolicy(ACCOUNT, 'user', 'alice', 'p'))?.document, DOCUMENT)
    assert.deepEqual(await second.listAttachedPolicies(ACCOUNT, 'role', 'reader'), [{ ...policy, attachmentCount: 1 }])
    assert.equal(await second.identityChangeCounter(), counter)
    await second.createUser(userRecord('bob'))
    assert.ok(await second.identityChangeCounter() > counter)
  })
}
