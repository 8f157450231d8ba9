// What one IAM or STS operation module declares: its service and Action, the resource its
// `iam:*`/`sts:*` action is checked on, whether it changes identities (so the node's policy cache
// is refreshed at once), and `run`, which answers the members of `<ActionResult>`.
import type { Clock } from '../../common/clock.ts'
import type { Principal } from '../../security/identity.ts'
import type { IdentityStore } from '../../security/identity-store.ts'
import type { QueryParams } from './query-params.ts'
import type { XmlObject } from './xml.ts'

export type QueryService = 'iam' | 'sts'

export interface QueryOperationContext {
  params: QueryParams
  /** Who signed the request. */
  caller: Principal
  /** The caller's account: every operation acts inside it. */
  accountId: string
  store: IdentityStore
  clock: Clock
}

export interface QueryOperation {
  service: QueryService
  /** As AWS names it, e.g. `CreateUser`. */
  action: string
  /**
   * How the caller's right to the operation is decided: `policy` checks the action of
   * control-plane-actions.ts on `resource` against the caller's identity policies; `operation`
   * leaves it to `run` (AssumeRole's trust check); `none` for what AWS allows everyone (GetCallerIdentity).
   */
  authorization: 'policy' | 'operation' | 'none'
  /** The ARN the action is checked on (`*` for list operations); required with `policy`. */
  resource?: (context: QueryOperationContext) => Promise<string> | string
  /** True when the operation writes identities, keys or policies. */
  isMutating: boolean
  /** The members of `<ActionResult>`, or undefined for an operation that answers only its metadata. */
  run: (context: QueryOperationContext) => Promise<XmlObject | undefined>
}

/** Identity for type checking; each operation module exports one. */
export function defineQueryOperation (operation: QueryOperation): QueryOperation {
  return Object.freeze(operation)
}
