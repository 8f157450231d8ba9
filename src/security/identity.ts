// Who a request comes from, and where the broker and the control plane look identities up: the
// principal an access key belongs to (an IAM user, or a role session with temporary credentials),
// its secret for SigV4, and the policies that apply to it. The Catalog-backed directory implements
// IdentityDirectory; tests may use StaticIdentityDirectory.

export interface Principal {
  /** 12-digit AWS-style account id. */
  accountId: string
  /** arn:aws:iam::<account>:user/<name>, or arn:aws:sts::<account>:assumed-role/<role>/<session> for a role session. */
  arn: string
  /** IAM's unique id: AIDA... for a user; AROA...:<session> for a role session. */
  userId: string
  /** The user's or the role's name. */
  name: string
  kind: 'user' | 'assumed-role'
}

export interface AccessKeyCredential {
  secretAccessKey: string
  /** Set for temporary credentials (AssumeRole); a request signed with them must carry it. */
  sessionToken?: string
  /** When temporary credentials stop working. */
  expiresAtMs?: number
  principal: Principal
}

/** A policy document that applies to a principal: inline (`user/alice/inline-name`) or attached (its ARN). */
export interface NamedPolicy {
  name: string
  document: string
}

export interface IdentityDirectory {
  /** The active key's credential, or undefined for an unknown, inactive or expired key. */
  lookupAccessKey: (accessKeyId: string) => Promise<AccessKeyCredential | undefined>
  /** Every identity policy that applies to the principal (the user's, or the assumed role's). */
  policiesOf: (principal: Principal) => Promise<NamedPolicy[]>
  /**
   * A number that changes whenever an identity, key or policy changes anywhere in the deployment:
   * whoever caches decisions or policies compares it to drop what is stale.
   */
  changeCounter: () => Promise<number>
}

/** A fixed directory for tests and for tools that hold a handful of identities in memory. */
export class StaticIdentityDirectory implements IdentityDirectory {
  readonly #keys = new Map<string, AccessKeyCredential>()
  readonly #policies = new Map<string, NamedPolicy[]>()
  #counter = 0

  addKey (accessKeyId: string, credential: AccessKeyCredential): void {
    this.#keys.set(accessKeyId, credential)
    this.#counter++
  }

  setPolicies (principalArn: string, policies: NamedPolicy[]): void {
    this.#policies.set(principalArn, policies)
    this.#counter++
  }

  async lookupAccessKey (accessKeyId: string): Promise<AccessKeyCredential | undefined> {
    return this.#keys.get(accessKeyId)
  }

  async policiesOf (principal: Principal): Promise<NamedPolicy[]> {
    return this.#policies.get(principal.arn) ?? []
  }

  async changeCounter (): Promise<number> {
    return this.#counter
  }
}
