// The IAM half of the Catalog: accounts, users, roles, access keys, inline and managed policies
// and their attachments, all keyed by account id. Names are unique per account regardless of case,
// as IAM has them. Backends stay dumb: secrets arrive sealed (security/secret-box.ts), documents
// arrive validated, ids arrive generated (security/identity-store.ts does all three). Every write
// bumps one change counter in the same transaction, which caches of policies and decisions watch.
//
// Refusals are ServiceErrors with codes the IAM API maps onto its errors: IAM_ENTITY_EXISTS
// (EntityAlreadyExists), IAM_NO_SUCH_ENTITY (NoSuchEntity), IAM_DELETE_CONFLICT (DeleteConflict),
// IAM_LIMIT_EXCEEDED (LimitExceeded).

export type AccessKeyStatus = 'Active' | 'Inactive'

/** Who holds inline policies and attachments. */
export type PolicyHolderType = 'user' | 'role'

export interface AccountRecord {
  /** 12 digits. */
  accountId: string
  createdAtMs: number
}

export interface UserRecord {
  accountId: string
  userName: string
  /** `/` or `/division/team/`. */
  path: string
  /** IAM's unique id, AIDA followed by 17 characters. */
  userId: string
  arn: string
  createdAtMs: number
}

export interface RoleRecord {
  accountId: string
  roleName: string
  path: string
  /** AROA followed by 17 characters. */
  roleId: string
  arn: string
  /** The trust policy: who may assume the role (JSON, with Principal elements). */
  assumeRolePolicyDocument: string
  /** 3600 (1 h) to 43200 (12 h), as IAM allows. */
  maxSessionDurationSec: number
  description: string
  createdAtMs: number
}

export interface AccessKeyRecord {
  /** AKIA... for a user's long-term key, ASIA... for a role session's temporary one. */
  accessKeyId: string
  accountId: string
  /** The user of a long-term key; null for a role session's key. */
  userName: string | null
  /** The role and session name of a temporary key; null for a user's key. */
  roleName: string | null
  roleSessionName: string | null
  status: AccessKeyStatus
  /** The secret access key as the layer above sealed it; never stored in clear. */
  sealedSecret: string
  /** The session token of a temporary key, sealed likewise; null for a long-term key. */
  sealedSessionToken: string | null
  /** When a temporary key stops working; null for a long-term key. */
  expiresAtMs: number | null
  createdAtMs: number
  lastUsedAtMs: number | null
}

export interface InlinePolicyRecord {
  accountId: string
  holderType: PolicyHolderType
  holderName: string
  policyName: string
  /** The policy JSON as given (validated by the caller). */
  document: string
}

export interface ManagedPolicyRecord {
  accountId: string
  policyName: string
  path: string
  /** ANPA followed by 17 characters. */
  policyId: string
  arn: string
  description: string
  /** The default version's document. */
  document: string
  /** `v1`: versions other than the first are not kept. */
  defaultVersionId: string
  createdAtMs: number
  updatedAtMs: number
  /** How many users and roles it is attached to; computed on read, ignored on create. */
  attachmentCount: number
}

export interface IdentityCatalog {
  /** Throws IAM_ENTITY_EXISTS when the account exists. */
  createAccount(account: AccountRecord): Promise<void>
  getAccount(accountId: string): Promise<AccountRecord | undefined>
  /** By creation time. */
  listAccounts(): Promise<AccountRecord[]>

  /** Throws IAM_NO_SUCH_ENTITY without the account, IAM_ENTITY_EXISTS when the name is taken (any case). */
  createUser(user: UserRecord): Promise<void>
  getUser(accountId: string, userName: string): Promise<UserRecord | undefined>
  /** By name. */
  listUsers(accountId: string): Promise<UserRecord[]>
  /** Throws IAM_NO_SUCH_ENTITY, or IAM_DELETE_CONFLICT while the user has access keys, inline or attached policies. */
  deleteUser(accountId: string, userName: string): Promise<void>

  /** As createUser. */
  createRole(role: RoleRecord): Promise<void>
  getRole(accountId: string, roleName: string): Promise<RoleRecord | undefined>
  listRoles(accountId: string): Promise<RoleRecord[]>
  /**
   * Throws IAM_NO_SUCH_ENTITY, or IAM_DELETE_CONFLICT while the role has inline or attached
   * policies. The temporary keys of its sessions go with it.
   */
  deleteRole(accountId: string, roleName: string): Promise<void>

  /**
   * Stores a key of the user (userName set) or of a session of the role (roleName set). Throws
   * IAM_NO_SUCH_ENTITY without the user or role, IAM_LIMIT_EXCEEDED when the user already has
   * `maxKeysPerUser` keys, IAM_ENTITY_EXISTS when the id is taken.
   */
  createAccessKey(key: AccessKeyRecord, maxKeysPerUser: number): Promise<void>
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>
  /** The user's keys, by creation time. */
  listAccessKeys(accountId: string, userName: string): Promise<AccessKeyRecord[]>
  /** Throws IAM_NO_SUCH_ENTITY unless the key is the user's. */
  updateAccessKeyStatus(accountId: string, userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void>
  /** Throws IAM_NO_SUCH_ENTITY unless the key is the user's. */
  deleteAccessKey(accountId: string, userName: string, accessKeyId: string): Promise<void>
  /** Records when a key last signed a request accepted (not an identity change: the counter stays). */
  recordAccessKeyUse(accessKeyId: string, usedAtMs: number): Promise<void>
  /** Removes temporary keys that expired before `nowMs`; returns how many. */
  deleteExpiredAccessKeys(nowMs: number): Promise<number>

  /** Creates or replaces an inline policy. Throws IAM_NO_SUCH_ENTITY without the user or role. */
  putInlinePolicy(policy: InlinePolicyRecord): Promise<void>
  getInlinePolicy(accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<InlinePolicyRecord | undefined>
  /** By policy name; empty when the holder does not exist. */
  listInlinePolicies(accountId: string, holderType: PolicyHolderType, holderName: string): Promise<InlinePolicyRecord[]>
  /** Throws IAM_NO_SUCH_ENTITY when there is no such policy. */
  deleteInlinePolicy(accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<void>

  /** Throws IAM_NO_SUCH_ENTITY without the account, IAM_ENTITY_EXISTS when the name is taken. */
  createManagedPolicy(policy: ManagedPolicyRecord): Promise<void>
  getManagedPolicy(accountId: string, policyArn: string): Promise<ManagedPolicyRecord | undefined>
  /** By name. */
  listManagedPolicies(accountId: string): Promise<ManagedPolicyRecord[]>
  /** Throws IAM_NO_SUCH_ENTITY, or IAM_DELETE_CONFLICT while the policy is attached anywhere. */
  deleteManagedPolicy(accountId: string, policyArn: string): Promise<void>
  /**
   * Attaches the policy (nothing happens when it already is). Throws IAM_NO_SUCH_ENTITY without the
   * holder or the policy, IAM_LIMIT_EXCEEDED when the holder already has `maxAttached` policies.
   */
  attachPolicy(accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string, maxAttached: number): Promise<void>
  /** Throws IAM_NO_SUCH_ENTITY when the policy is not attached to the holder. */
  detachPolicy(accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string): Promise<void>
  /** The holder's attached policies with their documents, by name. */
  listAttachedPolicies(accountId: string, holderType: PolicyHolderType, holderName: string): Promise<ManagedPolicyRecord[]>

  /** Bumped in the same transaction as every write above but recordAccessKeyUse. */
  identityChangeCounter(): Promise<number>
}
