// The IAM half of the SQLite catalog (schema version 5). SqliteCatalog extends it. Every write is
// one immediate transaction that also bumps the `iam_changes` counter, so a reader on another
// connection sees a change and its new counter together. Names compare regardless of case
// (the columns are COLLATE NOCASE); lists order by name as stored (BINARY), as the memory backend does.
import type { Database } from 'better-sqlite3'
import type {
  AccessKeyRecord,
  AccessKeyStatus,
  AccountRecord,
  IdentityCatalog,
  InlinePolicyRecord,
  ManagedPolicyRecord,
  PolicyHolderType,
  RoleRecord,
  UserRecord
} from '../catalog-identities.ts'
import { deleteConflict, exists, limitExceeded, noSuchEntity } from '../identity-errors.ts'

const USER = 'account_id AS accountId, user_name AS userName, path, user_id AS userId, arn, created_at_ms AS createdAtMs'
const ROLE = `account_id AS accountId, role_name AS roleName, path, role_id AS roleId, arn,
  assume_role_policy_document AS assumeRolePolicyDocument, max_session_duration_sec AS maxSessionDurationSec,
  description, created_at_ms AS createdAtMs`
const KEY = `access_key_id AS accessKeyId, account_id AS accountId, user_name AS userName, role_name AS roleName,
  role_session_name AS roleSessionName, status, sealed_secret AS sealedSecret, sealed_session_token AS sealedSessionToken,
  expires_at_ms AS expiresAtMs, created_at_ms AS createdAtMs, last_used_at_ms AS lastUsedAtMs`
const INLINE = 'account_id AS accountId, holder_type AS holderType, holder_name AS holderName, policy_name AS policyName, document'
const MANAGED = `p.account_id AS accountId, p.policy_name AS policyName, p.path, p.policy_id AS policyId, p.arn, p.description,
  p.document, p.default_version_id AS defaultVersionId, p.created_at_ms AS createdAtMs, p.updated_at_ms AS updatedAtMs,
  (SELECT COUNT(*) FROM iam_policy_attachments a WHERE a.policy_arn = p.arn) AS attachmentCount`

type Holder = [accountId: string, holderType: PolicyHolderType, holderName: string]

function prepareIdentityStatements (db: Database) {
  return {
    bump: db.prepare("UPDATE sequences SET next_value = next_value + 1 WHERE name = 'iam_changes'"),
    counter: db.prepare<[], number>("SELECT next_value FROM sequences WHERE name = 'iam_changes'").pluck(),
    insertAccount: db.prepare<[string, number]>('INSERT INTO iam_accounts (account_id, created_at_ms) VALUES (?, ?)'),
    getAccount: db.prepare<[string], AccountRecord>('SELECT account_id AS accountId, created_at_ms AS createdAtMs FROM iam_accounts WHERE account_id = ?'),
    listAccounts: db.prepare<[], AccountRecord>('SELECT account_id AS accountId, created_at_ms AS createdAtMs FROM iam_accounts ORDER BY created_at_ms, account_id'),
    insertUser: db.prepare<[string, string, string, string, string, number]>(
      'INSERT INTO iam_users (account_id, user_name, path, user_id, arn, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)'
    ),
    getUser: db.prepare<[string, string], UserRecord>(`SELECT ${USER} FROM iam_users WHERE account_id = ? AND user_name = ?`),
    listUsers: db.prepare<[string], UserRecord>(`SELECT ${USER} FROM iam_users WHERE account_id = ? ORDER BY user_name COLLATE BINARY`),
    deleteUser: db.prepare<[string, string]>('DELETE FROM iam_users WHERE account_id = ? AND user_name = ?'),
    insertRole: db.prepare<[string, string, string, string, string, string, number, string, number]>(
      `INSERT INTO iam_roles (account_id, role_name, path, role_id, arn, assume_role_policy_document, max_session_duration_sec,
         description, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    getRole: db.prepare<[string, string], RoleRecord>(`SELECT ${ROLE} FROM iam_roles WHERE account_id = ? AND role_name = ?`),
    listRoles: db.prepare<[string], RoleRecord>(`SELECT ${ROLE} FROM iam_roles WHERE account_id = ? ORDER BY role_name COLLATE BINARY`),
    deleteRole: db.prepare<[string, string]>('DELETE FROM iam_roles WHERE account_id = ? AND role_name = ?'),
    deleteRoleKeys: db.prepare<[string, string]>('DELETE FROM iam_access_keys WHERE account_id = ? AND role_name = ?'),
    insertKey: db.prepare<[string, string, string | null, string | null, string | null, string, string, string | null, number | null, number, number | null]>(
      `INSERT INTO iam_access_keys (access_key_id, account_id, user_name, role_name, role_session_name, status, sealed_secret,
         sealed_session_token, expires_at_ms, created_at_ms, last_used_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    getKey: db.prepare<[string], AccessKeyRecord>(`SELECT ${KEY} FROM iam_access_keys WHERE access_key_id = ?`),
    listUserKeys: db.prepare<[string, string], AccessKeyRecord>(
      `SELECT ${KEY} FROM iam_access_keys WHERE account_id = ? AND user_name = ? ORDER BY created_at_ms, access_key_id`
    ),
    countUserKeys: db.prepare<[string, string], number>('SELECT COUNT(*) FROM iam_access_keys WHERE account_id = ? AND user_name = ?').pluck(),
    setKeyStatus: db.prepare<[string, string, string, string]>(
      'UPDATE iam_access_keys SET status = ? WHERE access_key_id = ? AND account_id = ? AND user_name = ?'
    ),
    deleteUserKey: db.prepare<[string, string, string]>('DELETE FROM iam_access_keys WHERE access_key_id = ? AND account_id = ? AND user_name = ?'),
    setKeyUse: db.prepare<[number, string]>('UPDATE iam_access_keys SET last_used_at_ms = ? WHERE access_key_id = ?'),
    deleteExpiredKeys: db.prepare<[number]>('DELETE FROM iam_access_keys WHERE expires_at_ms IS NOT NULL AND expires_at_ms < ?'),
    upsertInline: db.prepare<[...Holder, string, string]>(
      `INSERT INTO iam_inline_policies (account_id, holder_type, holder_name, policy_name, document) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, holder_type, holder_name, policy_name) DO UPDATE SET document = excluded.document`
    ),
    getInline: db.prepare<[...Holder, string], InlinePolicyRecord>(
      `SELECT ${INLINE} FROM iam_inline_policies WHERE account_id = ? AND holder_type = ? AND holder_name = ? AND policy_name = ?`
    ),
    listInline: db.prepare<Holder, InlinePolicyRecord>(
      `SELECT ${INLINE} FROM iam_inline_policies WHERE account_id = ? AND holder_type = ? AND holder_name = ? ORDER BY policy_name COLLATE BINARY`
    ),
    deleteInline: db.prepare<[...Holder, string]>(
      'DELETE FROM iam_inline_policies WHERE account_id = ? AND holder_type = ? AND holder_name = ? AND policy_name = ?'
    ),
    countInline: db.prepare<Holder, number>(
      'SELECT COUNT(*) FROM iam_inline_policies WHERE account_id = ? AND holder_type = ? AND holder_name = ?'
    ).pluck(),
    insertManaged: db.prepare<[string, string, string, string, string, string, string, string, number, number]>(
      `INSERT INTO iam_managed_policies (account_id, policy_name, path, policy_id, arn, description, document, default_version_id,
         created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    getManagedByName: db.prepare<[string, string], number>('SELECT 1 FROM iam_managed_policies WHERE account_id = ? AND policy_name = ?').pluck(),
    getManaged: db.prepare<[string, string], ManagedPolicyRecord>(`SELECT ${MANAGED} FROM iam_managed_policies p WHERE p.account_id = ? AND p.arn = ?`),
    listManaged: db.prepare<[string], ManagedPolicyRecord>(
      `SELECT ${MANAGED} FROM iam_managed_policies p WHERE p.account_id = ? ORDER BY p.policy_name COLLATE BINARY`
    ),
    deleteManaged: db.prepare<[string, string]>('DELETE FROM iam_managed_policies WHERE account_id = ? AND arn = ?'),
    insertAttachment: db.prepare<[...Holder, string]>(
      'INSERT OR IGNORE INTO iam_policy_attachments (account_id, holder_type, holder_name, policy_arn) VALUES (?, ?, ?, ?)'
    ),
    deleteAttachment: db.prepare<[...Holder, string]>(
      'DELETE FROM iam_policy_attachments WHERE account_id = ? AND holder_type = ? AND holder_name = ? AND policy_arn = ?'
    ),
    countAttached: db.prepare<Holder, number>(
      'SELECT COUNT(*) FROM iam_policy_attachments WHERE account_id = ? AND holder_type = ? AND holder_name = ?'
    ).pluck(),
    isAttached: db.prepare<[...Holder, string], number>(
      'SELECT 1 FROM iam_policy_attachments WHERE account_id = ? AND holder_type = ? AND holder_name = ? AND policy_arn = ?'
    ).pluck(),
    listAttached: db.prepare<Holder, ManagedPolicyRecord>(
      `SELECT ${MANAGED} FROM iam_policy_attachments x JOIN iam_managed_policies p ON p.account_id = x.account_id AND p.arn = x.policy_arn
       WHERE x.account_id = ? AND x.holder_type = ? AND x.holder_name = ? ORDER BY p.policy_name COLLATE BINARY`
    )
  }
}

export class SqliteIdentityCatalog implements IdentityCatalog {
  readonly #db: Database
  readonly #sql: ReturnType<typeof prepareIdentityStatements>

  constructor (db: Database) {
    this.#db = db
    this.#sql = prepareIdentityStatements(db)
  }

  async createAccount (account: AccountRecord): Promise<void> {
    this.#write(() => {
      if (this.#sql.getAccount.get(account.accountId) !== undefined) throw exists(`Account ${account.accountId} already exists.`)
      this.#sql.insertAccount.run(account.accountId, account.createdAtMs)
    })
  }

  async getAccount (accountId: string): Promise<AccountRecord | undefined> {
    return this.#sql.getAccount.get(accountId)
  }

  async listAccounts (): Promise<AccountRecord[]> {
    return this.#sql.listAccounts.all()
  }

  async createUser (user: UserRecord): Promise<void> {
    this.#write(() => {
      this.#requireAccount(user.accountId)
      if (this.#sql.getUser.get(user.accountId, user.userName) !== undefined) throw exists(`User with name ${user.userName} already exists.`)
      this.#sql.insertUser.run(user.accountId, user.userName, user.path, user.userId, user.arn, user.createdAtMs)
    })
  }

  async getUser (accountId: string, userName: string): Promise<UserRecord | undefined> {
    return this.#sql.getUser.get(accountId, userName)
  }

  async listUsers (accountId: string): Promise<UserRecord[]> {
    return this.#sql.listUsers.all(accountId)
  }

  async deleteUser (accountId: string, userName: string): Promise<void> {
    this.#write(() => {
      const user = this.#sql.getUser.get(accountId, userName)
      if (user === undefined) throw noSuchEntity(`The user with name ${userName} cannot be found.`)
      const keyCount = this.#sql.countUserKeys.get(accountId, userName) ?? 0
      if (keyCount > 0) throw deleteConflict(`Cannot delete entity, must delete access keys first (user ${user.userName} has ${keyCount}).`)
      this.#checkNoPolicies([accountId, 'user', userName], `user ${user.userName}`)
      this.#sql.deleteUser.run(accountId, userName)
    })
  }

  async createRole (role: RoleRecord): Promise<void> {
    this.#write(() => {
      this.#requireAccount(role.accountId)
      if (this.#sql.getRole.get(role.accountId, role.roleName) !== undefined) throw exists(`Role with name ${role.roleName} already exists.`)
      this.#sql.insertRole.run(
        role.accountId, role.roleName, role.path, role.roleId, role.arn, role.assumeRolePolicyDocument, role.maxSessionDurationSec,
        role.description, role.createdAtMs
      )
    })
  }

  async getRole (accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    return this.#sql.getRole.get(accountId, roleName)
  }

  async listRoles (accountId: string): Promise<RoleRecord[]> {
    return this.#sql.listRoles.all(accountId)
  }

  async deleteRole (accountId: string, roleName: string): Promise<void> {
    this.#write(() => {
      const role = this.#sql.getRole.get(accountId, roleName)
      if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`)
      this.#checkNoPolicies([accountId, 'role', roleName], `role ${role.roleName}`)
      this.#sql.deleteRoleKeys.run(accountId, roleName)
      this.#sql.deleteRole.run(accountId, roleName)
    })
  }

  async createAccessKey (key: AccessKeyRecord, maxKeysPerUser: number): Promise<void> {
    this.#write(() => {
      if (key.userName !== null) {
        if (this.#sql.getUser.get(key.accountId, key.userName) === undefined) throw noSuchEntity(`The user with name ${key.userName} cannot be found.`)
        if ((this.#sql.countUserKeys.get(key.accountId, key.userName) ?? 0) >= maxKeysPerUser) {
          throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${maxKeysPerUser}`)
        }
      } else if (key.roleName === null || this.#sql.getRole.get(key.accountId, key.roleName) === undefined) {
        throw noSuchEntity(`The role with name ${key.roleName ?? '(none)'} cannot be found.`)
      }
      if (this.#sql.getKey.get(key.accessKeyId) !== undefined) throw exists(`Access key ${key.accessKeyId} already exists.`)
      this.#sql.insertKey.run(
        key.accessKeyId, key.accountId, key.userName, key.roleName, key.roleSessionName, key.status, key.sealedSecret,
        key.sealedSessionToken, key.expiresAtMs, key.createdAtMs, key.lastUsedAtMs
      )
    })
  }

  async getAccessKey (accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    return this.#sql.getKey.get(accessKeyId)
  }

  async listAccessKeys (accountId: string, userName: string): Promise<AccessKeyRecord[]> {
    return this.#sql.listUserKeys.all(accountId, userName)
  }

  async updateAccessKeyStatus (accountId: string, userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
    this.#write(() => {
      if (this.#sql.setKeyStatus.run(status, accessKeyId, accountId, userName).changes === 0) throw noKey(accessKeyId)
    })
  }

  async deleteAccessKey (accountId: string, userName: string, accessKeyId: string): Promise<void> {
    this.#write(() => {
      if (this.#sql.deleteUserKey.run(accessKeyId, accountId, userName).changes === 0) throw noKey(accessKeyId)
    })
  }

  async recordAccessKeyUse (accessKeyId: string, usedAtMs: number): Promise<void> {
    this.#sql.setKeyUse.run(usedAtMs, accessKeyId)
  }

  async deleteExpiredAccessKeys (nowMs: number): Promise<number> {
    return this.#db.transaction(() => {
      const count = this.#sql.deleteExpiredKeys.run(nowMs).changes
      if (count > 0) this.#sql.bump.run()
      return count
    }).immediate()
  }

  async putInlinePolicy (policy: InlinePolicyRecord): Promise<void> {
    this.#write(() => {
      const holder: Holder = [policy.accountId, policy.holderType, policy.holderName]
      this.#requireHolder(holder)
      this.#sql.upsertInline.run(...holder, policy.policyName, policy.document)
    })
  }

  async getInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<InlinePolicyRecord | undefined> {
    return this.#sql.getInline.get(accountId, holderType, holderName, policyName)
  }

  async listInlinePolicies (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<InlinePolicyRecord[]> {
    return this.#sql.listInline.all(accountId, holderType, holderName)
  }

  async deleteInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<void> {
    this.#write(() => {
      if (this.#sql.deleteInline.run(accountId, holderType, holderName, policyName).changes === 0) {
        throw noSuchEntity(`The ${holderType} policy with name ${policyName} cannot be found.`)
      }
    })
  }

  async createManagedPolicy (policy: ManagedPolicyRecord): Promise<void> {
    this.#write(() => {
      this.#requireAccount(policy.accountId)
      if (this.#sql.getManagedByName.get(policy.accountId, policy.policyName) !== undefined) {
        throw exists(`A policy called ${policy.policyName} already exists. Duplicate names are not allowed.`)
      }
      this.#sql.insertManaged.run(
        policy.accountId, policy.policyName, policy.path, policy.policyId, policy.arn, policy.description, policy.document,
        policy.defaultVersionId, policy.createdAtMs, policy.updatedAtMs
      )
    })
  }

  async getManagedPolicy (accountId: string, policyArn: string): Promise<ManagedPolicyRecord | undefined> {
    return this.#sql.getManaged.get(accountId, policyArn)
  }

  async listManagedPolicies (accountId: string): Promise<ManagedPolicyRecord[]> {
    return this.#sql.listManaged.all(accountId)
  }

  async deleteManagedPolicy (accountId: string, policyArn: string): Promise<void> {
    this.#write(() => {
      const policy = this.#sql.getManaged.get(accountId, policyArn)
      if (policy === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
      if (policy.attachmentCount > 0) throw deleteConflict(`Cannot delete a policy attached to entities (${policyArn}).`)
      this.#sql.deleteManaged.run(accountId, policyArn)
    })
  }

  async attachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string, maxAttached: number): Promise<void> {
    this.#db.transaction(() => {
      const holder: Holder = [accountId, holderType, holderName]
      this.#requireHolder(holder)
      if (this.#sql.getManaged.get(accountId, policyArn) === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
      if (this.#sql.isAttached.get(...holder, policyArn) !== undefined) return
      if ((this.#sql.countAttached.get(...holder) ?? 0) >= maxAttached) throw limitExceeded(`Cannot exceed quota for PoliciesPerUser: ${maxAttached}`)
      this.#sql.insertAttachment.run(...holder, policyArn)
      this.#sql.bump.run()
    }).immediate()
  }

  async detachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string): Promise<void> {
    this.#write(() => {
      if (this.#sql.deleteAttachment.run(accountId, holderType, holderName, policyArn).changes === 0) {
        throw noSuchEntity(`Policy ${policyArn} was not found attached to ${holderType} ${holderName}.`)
      }
    })
  }

  async listAttachedPolicies (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<ManagedPolicyRecord[]> {
    return this.#sql.listAttached.all(accountId, holderType, holderName)
  }

  async identityChangeCounter (): Promise<number> {
    return this.#sql.counter.get() ?? 0
  }

  /** One immediate transaction: the work, then the change counter. */
  #write (work: () => void): void {
    this.#db.transaction(() => {
      work()
      this.#sql.bump.run()
    }).immediate()
  }

  #requireAccount (accountId: string): void {
    if (this.#sql.getAccount.get(accountId) === undefined) throw noSuchEntity(`Account ${accountId} does not exist.`)
  }

  #requireHolder ([accountId, holderType, holderName]: Holder): void {
    const row = holderType === 'user' ? this.#sql.getUser.get(accountId, holderName) : this.#sql.getRole.get(accountId, holderName)
    if (row === undefined) throw noSuchEntity(`The ${holderType} with name ${holderName} cannot be found.`)
  }

  #checkNoPolicies (holder: Holder, what: string): void {
    if ((this.#sql.countInline.get(...holder) ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must delete policies first (${what} has inline policies).`)
    if ((this.#sql.countAttached.get(...holder) ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must detach all policies first (${what} has attached policies).`)
  }
}

function noKey (accessKeyId: string): Error {
  return noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
}
