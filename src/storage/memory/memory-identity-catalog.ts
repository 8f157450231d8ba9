// The IAM half of the in-process Catalog, kept in maps with the same behavior as the SQLite tables
// (one contract suite). MemoryCatalog extends it. Names are matched regardless of case, as in IAM.
import { ServiceError } from '../../common/errors.ts'
import { deleteConflict, exists, limitExceeded, noSuchEntity } from '../identity-errors.ts'
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

function nameKey (accountId: string, name: string): string {
  return `${accountId}\u0000${name.toLowerCase()}`
}

function holderKey (accountId: string, holderType: PolicyHolderType, holderName: string): string {
  return `${holderType}\u0000${nameKey(accountId, holderName)}`
}

function byName<T> (name: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0)
}

export class MemoryIdentityCatalog implements IdentityCatalog {
  readonly #accounts = new Map<string, AccountRecord>()
  readonly #users = new Map<string, UserRecord>()
  readonly #roles = new Map<string, RoleRecord>()
  readonly #keys = new Map<string, AccessKeyRecord>()
  /** holder key -> policy name (lower case) -> policy. */
  readonly #inline = new Map<string, Map<string, InlinePolicyRecord>>()
  /** account \0 lower-case name -> policy. */
  readonly #managed = new Map<string, ManagedPolicyRecord>()
  /** holder key -> attached policy ARNs. */
  readonly #attached = new Map<string, Set<string>>()
  #changeCounter = 0
  #isIdentityClosed = false

  async close (): Promise<void> {
    this.#isIdentityClosed = true
  }

  async createAccount (account: AccountRecord): Promise<void> {
    this.#check()
    if (this.#accounts.has(account.accountId)) throw exists(`Account ${account.accountId} already exists.`)
    this.#accounts.set(account.accountId, { ...account })
    this.#changeCounter++
  }

  async getAccount (accountId: string): Promise<AccountRecord | undefined> {
    this.#check()
    return copy(this.#accounts.get(accountId))
  }

  async listAccounts (): Promise<AccountRecord[]> {
    this.#check()
    return [...this.#accounts.values()].map(account => ({ ...account })).sort((a, b) => a.createdAtMs - b.createdAtMs)
  }

  async createUser (user: UserRecord): Promise<void> {
    this.#requireAccount(user.accountId)
    const key = nameKey(user.accountId, user.userName)
    if (this.#users.has(key)) throw exists(`User with name ${user.userName} already exists.`)
    this.#users.set(key, { ...user })
    this.#changeCounter++
  }

  async getUser (accountId: string, userName: string): Promise<UserRecord | undefined> {
    this.#check()
    return copy(this.#users.get(nameKey(accountId, userName)))
  }

  async listUsers (accountId: string): Promise<UserRecord[]> {
    this.#check()
    return [...this.#users.values()].filter(user => user.accountId === accountId).map(user => ({ ...user })).sort(byName(user => user.userName))
  }

  async deleteUser (accountId: string, userName: string): Promise<void> {
    this.#check()
    const key = nameKey(accountId, userName)
    const user = this.#users.get(key)
    if (user === undefined) throw noSuchEntity(`The user with name ${userName} cannot be found.`)
    const holder = holderKey(accountId, 'user', userName)
    const keyCount = [...this.#keys.values()].filter(entry => entry.accountId === accountId && sameName(entry.userName, userName)).length
    if (keyCount > 0) throw deleteConflict(`Cannot delete entity, must delete access keys first (user ${user.userName} has ${keyCount}).`)
    if ((this.#inline.get(holder)?.size ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must delete policies first (user ${user.userName} has inline policies).`)
    if ((this.#attached.get(holder)?.size ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must detach all policies first (user ${user.userName} has attached policies).`)
    this.#users.delete(key)
    this.#changeCounter++
  }

  async createRole (role: RoleRecord): Promise<void> {
    this.#requireAccount(role.accountId)
    const key = nameKey(role.accountId, role.roleName)
    if (this.#roles.has(key)) throw exists(`Role with name ${role.roleName} already exists.`)
    this.#roles.set(key, { ...role })
    this.#changeCounter++
  }

  async getRole (accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    this.#check()
    return copy(this.#roles.get(nameKey(accountId, roleName)))
  }

  async listRoles (accountId: string): Promise<RoleRecord[]> {
    this.#check()
    return [...this.#roles.values()].filter(role => role.accountId === accountId).map(role => ({ ...role })).sort(byName(role => role.roleName))
  }

  async deleteRole (accountId: string, roleName: string): Promise<void> {
    this.#check()
    const key = nameKey(accountId, roleName)
    const role = this.#roles.get(key)
    if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`)
    const holder = holderKey(accountId, 'role', roleName)
    if ((this.#inline.get(holder)?.size ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must delete policies first (role ${role.roleName} has inline policies).`)
    if ((this.#attached.get(holder)?.size ?? 0) > 0) throw deleteConflict(`Cannot delete entity, must detach all policies first (role ${role.roleName} has attached policies).`)
    for (const [id, entry] of this.#keys) {
      if (entry.accountId === accountId && sameName(entry.roleName, roleName)) this.#keys.delete(id)
    }
    this.#roles.delete(key)
    this.#changeCounter++
  }

  async createAccessKey (key: AccessKeyRecord, maxKeysPerUser: number): Promise<void> {
    this.#check()
    if (key.userName !== null) {
      if (!this.#users.has(nameKey(key.accountId, key.userName))) throw noSuchEntity(`The user with name ${key.userName} cannot be found.`)
      const count = [...this.#keys.values()].filter(entry => entry.accountId === key.accountId && sameName(entry.userName, key.userName)).length
      if (count >= maxKeysPerUser) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${maxKeysPerUser}`)
    } else if (key.roleName === null || !this.#roles.has(nameKey(key.accountId, key.roleName))) {
      throw noSuchEntity(`The role with name ${key.roleName ?? '(none)'} cannot be found.`)
    }
    if (this.#keys.has(key.accessKeyId)) throw exists(`Access key ${key.accessKeyId} already exists.`)
    this.#keys.set(key.accessKeyId, { ...key })
    this.#changeCounter++
  }

  async getAccessKey (accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    this.#check()
    return copy(this.#keys.get(accessKeyId))
  }

  async listAccessKeys (accountId: string, userName: string): Promise<AccessKeyRecord[]> {
    this.#check()
    return [...this.#keys.values()]
      .filter(entry => entry.accountId === accountId && sameName(entry.userName, userName))
      .map(entry => ({ ...entry }))
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.accessKeyId < b.accessKeyId ? -1 : 1))
  }

  async updateAccessKeyStatus (accountId: string, userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
    this.#check()
    this.#userKey(accountId, userName, accessKeyId).status = status
    this.#changeCounter++
  }

  async deleteAccessKey (accountId: string, userName: string, accessKeyId: string): Promise<void> {
    this.#check()
    this.#userKey(accountId, userName, accessKeyId)
    this.#keys.delete(accessKeyId)
    this.#changeCounter++
  }

  async recordAccessKeyUse (accessKeyId: string, usedAtMs: number): Promise<void> {
    this.#check()
    const key = this.#keys.get(accessKeyId)
    if (key !== undefined) key.lastUsedAtMs = usedAtMs
  }

  async deleteExpiredAccessKeys (nowMs: number): Promise<number> {
    this.#check()
    let count = 0
    for (const [id, key] of this.#keys) {
      if (key.expiresAtMs !== null && key.expiresAtMs < nowMs) {
        this.#keys.delete(id)
        count++
      }
    }
    if (count > 0) this.#changeCounter++
    return count
  }

  async putInlinePolicy (policy: InlinePolicyRecord): Promise<void> {
    this.#check()
    this.#requireHolder(policy.accountId, policy.holderType, policy.holderName)
    const holder = holderKey(policy.accountId, policy.holderType, policy.holderName)
    let policies = this.#inline.get(holder)
    if (policies === undefined) this.#inline.set(holder, policies = new Map())
    // Replacing keeps the name as first written, whatever the case of the new one (as SQLite's upsert does).
    const stored = policies.get(policy.policyName.toLowerCase())
    policies.set(policy.policyName.toLowerCase(), { ...policy, policyName: stored?.policyName ?? policy.policyName })
    this.#changeCounter++
  }

  async getInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<InlinePolicyRecord | undefined> {
    this.#check()
    return copy(this.#inline.get(holderKey(accountId, holderType, holderName))?.get(policyName.toLowerCase()))
  }

  async listInlinePolicies (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<InlinePolicyRecord[]> {
    this.#check()
    const policies = this.#inline.get(holderKey(accountId, holderType, holderName))
    return [...(policies?.values() ?? [])].map(policy => ({ ...policy })).sort(byName(policy => policy.policyName))
  }

  async deleteInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<void> {
    this.#check()
    const policies = this.#inline.get(holderKey(accountId, holderType, holderName))
    if (policies?.delete(policyName.toLowerCase()) !== true) {
      throw noSuchEntity(`The ${holderType} policy with name ${policyName} cannot be found.`)
    }
    this.#changeCounter++
  }

  async createManagedPolicy (policy: ManagedPolicyRecord): Promise<void> {
    this.#requireAccount(policy.accountId)
    const key = nameKey(policy.accountId, policy.policyName)
    if (this.#managed.has(key)) throw exists(`A policy called ${policy.policyName} already exists. Duplicate names are not allowed.`)
    this.#managed.set(key, { ...policy, attachmentCount: 0 })
    this.#changeCounter++
  }

  async getManagedPolicy (accountId: string, policyArn: string): Promise<ManagedPolicyRecord | undefined> {
    this.#check()
    const policy = this.#findManaged(accountId, policyArn)
    return policy === undefined ? undefined : this.#withCount(policy)
  }

  async listManagedPolicies (accountId: string): Promise<ManagedPolicyRecord[]> {
    this.#check()
    return [...this.#managed.values()].filter(policy => policy.accountId === accountId)
      .map(policy => this.#withCount(policy)).sort(byName(policy => policy.policyName))
  }

  async deleteManagedPolicy (accountId: string, policyArn: string): Promise<void> {
    this.#check()
    const policy = this.#findManaged(accountId, policyArn)
    if (policy === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
    if (this.#withCount(policy).attachmentCount > 0) throw deleteConflict(`Cannot delete a policy attached to entities (${policyArn}).`)
    this.#managed.delete(nameKey(accountId, policy.policyName))
    this.#changeCounter++
  }

  async attachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string, maxAttached: number): Promise<void> {
    this.#check()
    this.#requireHolder(accountId, holderType, holderName)
    if (this.#findManaged(accountId, policyArn) === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
    const holder = holderKey(accountId, holderType, holderName)
    let arns = this.#attached.get(holder)
    if (arns === undefined) this.#attached.set(holder, arns = new Set())
    if (arns.has(policyArn)) return
    if (arns.size >= maxAttached) throw limitExceeded(`Cannot exceed quota for PoliciesPerUser: ${maxAttached}`)
    arns.add(policyArn)
    this.#changeCounter++
  }

  async detachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string): Promise<void> {
    this.#check()
    if (this.#attached.get(holderKey(accountId, holderType, holderName))?.delete(policyArn) !== true) {
      throw noSuchEntity(`Policy ${policyArn} was not found attached to ${holderType} ${holderName}.`)
    }
    this.#changeCounter++
  }

  async listAttachedPolicies (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<ManagedPolicyRecord[]> {
    this.#check()
    const arns = this.#attached.get(holderKey(accountId, holderType, holderName)) ?? new Set()
    return [...arns].map(arn => this.#findManaged(accountId, arn)).filter(policy => policy !== undefined)
      .map(policy => this.#withCount(policy)).sort(byName(policy => policy.policyName))
  }

  async identityChangeCounter (): Promise<number> {
    this.#check()
    return this.#changeCounter
  }

  #findManaged (accountId: string, policyArn: string): ManagedPolicyRecord | undefined {
    for (const policy of this.#managed.values()) if (policy.accountId === accountId && policy.arn === policyArn) return policy
    return undefined
  }

  #withCount (policy: ManagedPolicyRecord): ManagedPolicyRecord {
    let attachmentCount = 0
    for (const arns of this.#attached.values()) if (arns.has(policy.arn)) attachmentCount++
    return { ...policy, attachmentCount }
  }

  #userKey (accountId: string, userName: string, accessKeyId: string): AccessKeyRecord {
    const key = this.#keys.get(accessKeyId)
    if (key === undefined || key.accountId !== accountId || !sameName(key.userName, userName)) {
      throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
    }
    return key
  }

  #requireAccount (accountId: string): void {
    this.#check()
    if (!this.#accounts.has(accountId)) throw noSuchEntity(`Account ${accountId} does not exist.`)
  }

  #requireHolder (accountId: string, holderType: PolicyHolderType, holderName: string): void {
    const holders = holderType === 'user' ? this.#users : this.#roles
    if (!holders.has(nameKey(accountId, holderName))) throw noSuchEntity(`The ${holderType} with name ${holderName} cannot be found.`)
  }

  #check (): void {
    if (this.#isIdentityClosed) throw new ServiceError('STORAGE_CLOSED', 'the catalog is closed')
  }
}

function sameName (stored: string | null, name: string | null): boolean {
  return stored !== null && name !== null && stored.toLowerCase() === name.toLowerCase()
}

function copy<T extends object> (value: T | undefined): T | undefined {
  return value === undefined ? undefined : { ...value }
}
