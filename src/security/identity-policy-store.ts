// The policy operations of the IAM API above the Catalog: inline policies of users and roles
// (PutUserPolicy, PutRolePolicy ...), managed policies (CreatePolicy, GetPolicy, ListPolicies,
// DeletePolicy) and their attachments. Documents are validated with the policy engine's parser on
// write, and IAM's size quotas apply (inline ones per holder, all documents together).
import type { Clock } from '../common/clock.ts'
import type {
  IdentityCatalog,
  InlinePolicyRecord,
  ManagedPolicyRecord,
  PolicyHolderType
} from '../storage/catalog-identities.ts'
import { limitExceeded, noSuchEntity } from '../storage/identity-errors.ts'
import { POLICY_SIZE_LIMITS, parsePolicyDocument, policySizeChars } from './iam/policy-document.ts'
import { checkPath, checkPolicyName, newUniqueId, type RandomSource } from './iam-ids.ts'

/** IAM's default quota of managed policies attached to one user or role. */
export const MAX_ATTACHED_POLICIES = 10

export interface CreatePolicyInput {
  policyName: string
  path?: string
  description?: string
  document: string
}

export interface ListPoliciesOptions {
  /** Only policies attached to at least one user or role. */
  isOnlyAttached?: boolean
  pathPrefix?: string
}

export class IdentityPolicyStore {
  readonly #catalog: IdentityCatalog
  readonly #clock: Clock
  readonly #random: RandomSource
  readonly #requireHolder: (accountId: string, holderType: PolicyHolderType, holderName: string) => Promise<void>

  constructor (
    catalog: IdentityCatalog,
    clock: Clock,
    random: RandomSource,
    requireHolder: (accountId: string, holderType: PolicyHolderType, holderName: string) => Promise<void>
  ) {
    this.#catalog = catalog
    this.#clock = clock
    this.#random = random
    this.#requireHolder = requireHolder
  }

  /**
   * PutUserPolicy / PutRolePolicy: validates the document and IAM's quota on the holder's inline
   * policies together (2048 characters for a user, 10240 for a role, white space not counted).
   */
  async putInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string, document: string): Promise<void> {
    checkPolicyName(policyName)
    const maxChars = holderType === 'user' ? POLICY_SIZE_LIMITS.userInlinePolicies : POLICY_SIZE_LIMITS.roleInlinePolicies
    parsePolicyDocument(document, { maxChars })
    await this.#requireHolder(accountId, holderType, holderName)
    const others = (await this.#catalog.listInlinePolicies(accountId, holderType, holderName))
      .filter(policy => policy.policyName.toLowerCase() !== policyName.toLowerCase())
    const total = others.reduce((sum, policy) => sum + policySizeChars(policy.document), policySizeChars(document))
    if (total > maxChars) {
      throw limitExceeded(`Maximum policy size of ${maxChars} characters exceeded for ${holderType} ${holderName} (its inline policies would total ${total})`)
    }
    await this.#catalog.putInlinePolicy({ accountId, holderType, holderName, policyName, document })
  }

  /** GetUserPolicy / GetRolePolicy; throws IAM_NO_SUCH_ENTITY. */
  async getInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<InlinePolicyRecord> {
    await this.#requireHolder(accountId, holderType, holderName)
    const policy = await this.#catalog.getInlinePolicy(accountId, holderType, holderName, policyName)
    if (policy === undefined) throw noSuchEntity(`The ${holderType} policy with name ${policyName} cannot be found.`)
    return policy
  }

  /** ListUserPolicies / ListRolePolicies: the names, sorted. */
  async listInlinePolicyNames (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<string[]> {
    await this.#requireHolder(accountId, holderType, holderName)
    return (await this.#catalog.listInlinePolicies(accountId, holderType, holderName)).map(policy => policy.policyName)
  }

  async deleteInlinePolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyName: string): Promise<void> {
    await this.#requireHolder(accountId, holderType, holderName)
    await this.#catalog.deleteInlinePolicy(accountId, holderType, holderName, policyName)
  }

  /** CreatePolicy: a managed policy at version v1, ARN `arn:aws:iam::<account>:policy<path><name>`. */
  async createPolicy (accountId: string, input: CreatePolicyInput): Promise<ManagedPolicyRecord> {
    checkPolicyName(input.policyName)
    const path = checkPath(input.path)
    parsePolicyDocument(input.document, { maxChars: POLICY_SIZE_LIMITS.managedPolicy })
    const nowMs = this.#clock.nowMs()
    const policy: ManagedPolicyRecord = {
      accountId,
      policyName: input.policyName,
      path,
      policyId: newUniqueId('ANPA', this.#random),
      arn: `arn:aws:iam::${accountId}:policy${path}${input.policyName}`,
      description: input.description ?? '',
      document: input.document,
      defaultVersionId: 'v1',
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      attachmentCount: 0
    }
    await this.#catalog.createManagedPolicy(policy)
    return policy
  }

  /** GetPolicy; throws IAM_NO_SUCH_ENTITY. */
  async getPolicy (accountId: string, policyArn: string): Promise<ManagedPolicyRecord> {
    const policy = await this.#catalog.getManagedPolicy(accountId, policyArn)
    if (policy === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
    return policy
  }

  async listPolicies (accountId: string, options: ListPoliciesOptions = {}): Promise<ManagedPolicyRecord[]> {
    return (await this.#catalog.listManagedPolicies(accountId)).filter(policy =>
      (options.isOnlyAttached !== true || policy.attachmentCount > 0) && policy.path.startsWith(options.pathPrefix ?? '/'))
  }

  /** DeletePolicy; IAM_DELETE_CONFLICT while attached. */
  async deletePolicy (accountId: string, policyArn: string): Promise<void> {
    await this.#catalog.deleteManagedPolicy(accountId, policyArn)
  }

  /** AttachUserPolicy / AttachRolePolicy; IAM_LIMIT_EXCEEDED beyond 10 attached policies. */
  async attachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string): Promise<void> {
    await this.#catalog.attachPolicy(accountId, holderType, holderName, policyArn, MAX_ATTACHED_POLICIES)
  }

  async detachPolicy (accountId: string, holderType: PolicyHolderType, holderName: string, policyArn: string): Promise<void> {
    await this.#requireHolder(accountId, holderType, holderName)
    await this.#catalog.detachPolicy(accountId, holderType, holderName, policyArn)
  }

  /** ListAttachedUserPolicies / ListAttachedRolePolicies. */
  async listAttachedPolicies (accountId: string, holderType: PolicyHolderType, holderName: string): Promise<ManagedPolicyRecord[]> {
    await this.#requireHolder(accountId, holderType, holderName)
    return await this.#catalog.listAttachedPolicies(accountId, holderType, holderName)
  }
}
