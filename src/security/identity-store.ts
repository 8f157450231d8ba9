// The identity operations of the IAM and STS APIs above the Catalog: accounts, users, access keys
// (the secret is returned once and stored sealed), roles and AssumeRole (temporary ASIA keys with
// a session token, checked against the role's trust policy), GetCallerIdentity, and the principal
// and policies of a key for the broker and the control plane. Policies: `policies` (identity-policy-store.ts).
import { systemClock, type Clock } from '../common/clock.ts'
import { ServiceError } from '../common/errors.ts'
import type {
  AccessKeyRecord,
  AccessKeyStatus,
  AccountRecord,
  IdentityCatalog,
  PolicyHolderType,
  RoleRecord,
  UserRecord
} from '../storage/catalog-identities.ts'
import { noSuchEntity } from '../storage/identity-errors.ts'
import type { AccessKeyCredential, NamedPolicy, Principal } from './identity.ts'
import { compilePolicy } from './iam/compiled-policy.ts'
import { PolicySet, explainDecision } from './iam/policy-evaluator.ts'
import { IdentityPolicyStore } from './identity-policy-store.ts'
import {
  checkPath, checkRoleName, checkRoleSessionName, checkSeconds, checkUserName, newAccessKeyId, newAccountId,
  newSecretAccessKey, newSessionToken, newUniqueId, systemRandom, type RandomSource
} from './iam-ids.ts'
import type { SecretBox } from './secret-box.ts'
import { evaluateTrustPolicy, parseTrustPolicy } from './trust-policy.ts'

/** IAM's quota of access keys per user. */
export const MAX_ACCESS_KEYS_PER_USER = 2

export interface IdentityStoreOptions {
  catalog: IdentityCatalog
  secrets: SecretBox
  clock?: Clock
  random?: RandomSource
}

/** A key as ListAccessKeys shows it: never the secret. */
export interface AccessKeySummary {
  accessKeyId: string
  userName: string
  status: AccessKeyStatus
  createdAtMs: number
  lastUsedAtMs: number | null
}

/** CreateAccessKey's answer: the only time the secret is shown. */
export interface NewAccessKey extends AccessKeySummary {
  secretAccessKey: string
}

export interface CreateRoleInput {
  roleName: string
  path?: string
  assumeRolePolicyDocument: string
  /** Seconds, 3600 to 43200; default 3600. */
  maxSessionDurationSec?: number
  description?: string
}

export interface AssumeRoleInput {
  roleArn: string
  roleSessionName: string
  /** Seconds, 900 to the role's maximum; default 3600. */
  durationSec?: number
}

/** AssumeRole's answer. */
export interface AssumedRole {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiresAtMs: number
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  assumedRoleArn: string
  /** <role id>:<session> */
  assumedRoleId: string
}

export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

export class IdentityStore {
  readonly policies: IdentityPolicyStore
  readonly #catalog: IdentityCatalog
  readonly #secrets: SecretBox
  readonly #clock: Clock
  readonly #random: RandomSource

  constructor (options: IdentityStoreOptions) {
    this.#catalog = options.catalog
    this.#secrets = options.secrets
    this.#clock = options.clock ?? systemClock
    this.#random = options.random ?? systemRandom
    this.policies = new IdentityPolicyStore(this.#catalog, this.#clock, this.#random, (accountId, holderType, holderName) =>
      this.#requireHolder(accountId, holderType, holderName))
  }

  /** A new account with a random 12-digit id. */
  async createAccount (): Promise<AccountRecord> {
    const account = { accountId: newAccountId(this.#random), createdAtMs: this.#clock.nowMs() }
    await this.#catalog.createAccount(account)
    return account
  }

  async listAccounts (): Promise<AccountRecord[]> {
    return await this.#catalog.listAccounts()
  }

  async createUser (accountId: string, input: { userName: string, path?: string }): Promise<UserRecord> {
    const path = checkPath(input.path)
    const user: UserRecord = {
      accountId,
      userName: checkUserName(input.userName),
      path,
      userId: newUniqueId('AIDA', this.#random),
      arn: `arn:aws:iam::${accountId}:user${path}${input.userName}`,
      createdAtMs: this.#clock.nowMs()
    }
    await this.#catalog.createUser(user)
    return user
  }

  /** Throws IAM_NO_SUCH_ENTITY. */
  async getUser (accountId: string, userName: string): Promise<UserRecord> {
    const user = await this.#catalog.getUser(accountId, userName)
    if (user === undefined) throw noSuchEntity(`The user with name ${userName} cannot be found.`)
    return user
  }

  async listUsers (accountId: string, pathPrefix = '/'): Promise<UserRecord[]> {
    return (await this.#catalog.listUsers(accountId)).filter(user => user.path.startsWith(pathPrefix))
  }

  /** IAM_DELETE_CONFLICT while the user has keys or policies, as IAM refuses. */
  async deleteUser (accountId: string, userName: string): Promise<void> {
    await this.#catalog.deleteUser(accountId, userName)
  }

  /** CreateAccessKey: an Active AKIA key; IAM_LIMIT_EXCEEDED when the user has two already. */
  async createAccessKey (accountId: string, userName: string): Promise<NewAccessKey> {
    const user = await this.getUser(accountId, userName)
    const accessKeyId = newAccessKeyId('AKIA', this.#random)
    const secretAccessKey = newSecretAccessKey(this.#random)
    const record: AccessKeyRecord = {
      accessKeyId,
      accountId,
      userName: user.userName,
      roleName: null,
      roleSessionName: null,
      status: 'Active',
      sealedSecret: this.#secrets.seal(secretAccessKey, accessKeyId),
      sealedSessionToken: null,
      expiresAtMs: null,
      createdAtMs: this.#clock.nowMs(),
      lastUsedAtMs: null
    }
    await this.#catalog.createAccessKey(record, MAX_ACCESS_KEYS_PER_USER)
    return { ...summary(record, user.userName), secretAccessKey }
  }

  async listAccessKeys (accountId: string, userName: string): Promise<AccessKeySummary[]> {
    const user = await this.getUser(accountId, userName)
    return (await this.#catalog.listAccessKeys(accountId, userName)).map(key => summary(key, user.userName))
  }

  async updateAccessKey (accountId: string, userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive') throw new ServiceError('IAM_INVALID_INPUT', `Status '${String(status)}' is not valid: use Active or Inactive`)
    await this.getUser(accountId, userName)
    await this.#catalog.updateAccessKeyStatus(accountId, userName, accessKeyId, status)
  }

  async deleteAccessKey (accountId: string, userName: string, accessKeyId: string): Promise<void> {
    await this.getUser(accountId, userName)
    await this.#catalog.deleteAccessKey(accountId, userName, accessKeyId)
  }

  async createRole (accountId: string, input: CreateRoleInput): Promise<RoleRecord> {
    checkRoleName(input.roleName)
    const path = checkPath(input.path)
    parseTrustPolicy(input.assumeRolePolicyDocument)
    const role: RoleRecord = {
      accountId,
      roleName: input.roleName,
      path,
      roleId: newUniqueId('AROA', this.#random),
      arn: `arn:aws:iam::${accountId}:role${path}${input.roleName}`,
      assumeRolePolicyDocument: input.assumeRolePolicyDocument,
      maxSessionDurationSec: checkSeconds('MaxSessionDuration', input.maxSessionDurationSec ?? 3600, 3600, 43200),
      description: input.description ?? '',
      createdAtMs: this.#clock.nowMs()
    }
    await this.#catalog.createRole(role)
    return role
  }

  /** Throws IAM_NO_SUCH_ENTITY. */
  async getRole (accountId: string, roleName: string): Promise<RoleRecord> {
    const role = await this.#catalog.getRole(accountId, roleName)
    if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`)
    return role
  }

  async listRoles (accountId: string, pathPrefix = '/'): Promise<RoleRecord[]> {
    return (await this.#catalog.listRoles(accountId)).filter(role => role.path.startsWith(pathPrefix))
  }

  /** IAM_DELETE_CONFLICT while the role has policies; its sessions' keys stop working. */
  async deleteRole (accountId: string, roleName: string): Promise<void> {
    await this.#catalog.deleteRole(accountId, roleName)
  }

  /**
   * STS AssumeRole: the role's trust policy must allow the caller sts:AssumeRole; when it names
   * the caller only through its account (or `*`), the caller's own policies must allow it too, as
   * in AWS. Throws IAM_ACCESS_DENIED with the reason, IAM_NO_SUCH_ENTITY for an unknown role.
   */
  async assumeRole (caller: Principal, input: AssumeRoleInput): Promise<AssumedRole> {
    const sessionName = checkRoleSessionName(input.roleSessionName)
    const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/.exec(input.roleArn)
    if (match === null) throw new ServiceError('IAM_INVALID_INPUT', `RoleArn '${input.roleArn}' is not a role ARN (arn:aws:iam::<account>:role/<name>)`)
    const role = await this.#catalog.getRole(match[1]!, match[2]!)
    if (role === undefined || role.arn !== input.roleArn) throw noSuchEntity(`The role ${input.roleArn} cannot be found.`)
    const durationSec = checkSeconds('DurationSeconds', input.durationSec ?? 3600, 900, role.maxSessionDurationSec)
    const denial = `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`
    const trust = evaluateTrustPolicy({ trustPolicy: role.assumeRolePolicyDocument, roleArn: role.arn, caller })
    if (!trust.decision.isAllowed) throw new ServiceError('IAM_ACCESS_DENIED', `${denial} (trust policy: ${explainDecision(trust.decision)})`)
    if (!trust.isCallerNamed) {
      const own = new PolicySet((await this.policiesOf(caller)).map(policy => compilePolicy(policy.name, policy.document)))
      const decision = own.evaluate({ action: 'sts:AssumeRole', resource: role.arn })
      if (!decision.isAllowed) throw new ServiceError('IAM_ACCESS_DENIED', `${denial} (${explainDecision(decision)})`)
    }
    const accessKeyId = newAccessKeyId('ASIA', this.#random)
    const secretAccessKey = newSecretAccessKey(this.#random)
    const sessionToken = newSessionToken(this.#random)
    const nowMs = this.#clock.nowMs()
    const expiresAtMs = nowMs + durationSec * 1000
    await this.#catalog.deleteExpiredAccessKeys(nowMs)
    await this.#catalog.createAccessKey({
      accessKeyId,
      accountId: role.accountId,
      userName: null,
      roleName: role.roleName,
      roleSessionName: sessionName,
      status: 'Active',
      sealedSecret: this.#secrets.seal(secretAccessKey, accessKeyId),
      sealedSessionToken: this.#secrets.seal(sessionToken, `${accessKeyId} session token`),
      expiresAtMs,
      createdAtMs: nowMs,
      lastUsedAtMs: null
    }, MAX_ACCESS_KEYS_PER_USER)
    return {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiresAtMs,
      assumedRoleArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`,
      assumedRoleId: `${role.roleId}:${sessionName}`
    }
  }

  /** STS GetCallerIdentity. */
  getCallerIdentity (principal: Principal): CallerIdentity {
    return { account: principal.accountId, arn: principal.arn, userId: principal.userId }
  }

  /**
   * The active key's credential with its secret (and session token) opened, or undefined for an
   * unknown, inactive or expired key, or one whose user or role is gone.
   */
  async lookupAccessKey (accessKeyId: string): Promise<AccessKeyCredential | undefined> {
    const key = await this.#catalog.getAccessKey(accessKeyId)
    if (key === undefined || key.status !== 'Active') return undefined
    if (key.expiresAtMs !== null && key.expiresAtMs <= this.#clock.nowMs()) return undefined
    const principal = await this.#principalOf(key)
    if (principal === undefined) return undefined
    const credential: AccessKeyCredential = { secretAccessKey: this.#secrets.open(key.sealedSecret, accessKeyId), principal }
    if (key.sealedSessionToken !== null) credential.sessionToken = this.#secrets.open(key.sealedSessionToken, `${accessKeyId} session token`)
    if (key.expiresAtMs !== null) credential.expiresAtMs = key.expiresAtMs
    return credential
  }

  /** The principal's inline policies (`user/<name>/<policy>`, `role/<name>/<policy>`) and attached ones (by ARN). */
  async policiesOf (principal: Principal): Promise<NamedPolicy[]> {
    const holderType: PolicyHolderType = principal.kind === 'user' ? 'user' : 'role'
    const [inline, attached] = await Promise.all([
      this.#catalog.listInlinePolicies(principal.accountId, holderType, principal.name),
      this.#catalog.listAttachedPolicies(principal.accountId, holderType, principal.name)
    ])
    return [
      ...inline.map(policy => ({ name: `${holderType}/${principal.name}/${policy.policyName}`, document: policy.document })),
      ...attached.map(policy => ({ name: policy.arn, document: policy.document }))
    ]
  }

  /** The principal of an IAM user (for the CLI's explain, and tests). */
  userPrincipal (user: UserRecord): Principal {
    return { accountId: user.accountId, arn: user.arn, userId: user.userId, name: user.userName, kind: 'user' }
  }

  async changeCounter (): Promise<number> {
    return await this.#catalog.identityChangeCounter()
  }

  async #principalOf (key: AccessKeyRecord): Promise<Principal | undefined> {
    if (key.userName !== null) {
      const user = await this.#catalog.getUser(key.accountId, key.userName)
      return user === undefined ? undefined : this.userPrincipal(user)
    }
    const role = key.roleName === null ? undefined : await this.#catalog.getRole(key.accountId, key.roleName)
    if (role === undefined || key.roleSessionName === null) return undefined
    return {
      accountId: role.accountId,
      arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${key.roleSessionName}`,
      userId: `${role.roleId}:${key.roleSessionName}`,
      name: role.roleName,
      kind: 'assumed-role'
    }
  }

  async #requireHolder (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<void> {
    if (holderType === 'user') await this.getUser(accountId, holderName)
    else await this.getRole(accountId, holderName)
  }
}

function summary (key: AccessKeyRecord, userName: string): AccessKeySummary {
  return { accessKeyId: key.accessKeyId, userName, status: key.status, createdAtMs: key.createdAtMs, lastUsedAtMs: key.lastUsedAtMs }
}
