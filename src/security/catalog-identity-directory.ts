// The IdentityDirectory the broker and the control plane use in a running node: identities, keys
// and policies from the Catalog, with secrets opened by the master key (IdentityStore does both).
// A temporary key's principal is its assumed-role session; its policies are the role's.
import type { AccessKeyCredential, IdentityDirectory, NamedPolicy, Principal } from './identity.ts'
import type { IdentityStore } from './identity-store.ts'

export class CatalogIdentityDirectory implements IdentityDirectory {
  readonly #store: IdentityStore

  constructor (store: IdentityStore) {
    this.#store = store
  }

  async lookupAccessKey (accessKeyId: string): Promise<AccessKeyCredential | undefined> {
    return await this.#store.lookupAccessKey(accessKeyId)
  }

  async policiesOf (principal: Principal): Promise<NamedPolicy[]> {
    return await this.#store.policiesOf(principal)
  }

  async changeCounter (): Promise<number> {
    return await this.#store.changeCounter()
  }
}
