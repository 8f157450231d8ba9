// IAM's evaluation of a principal's identity policies (spec 4.4): implicit deny, an explicit
// Deny in any statement wins over every Allow, otherwise one matching Allow grants. A decision
// says why, and explainDecision renders it as one line for logs and error messages.
import type { KafkaResourceType } from './arn.ts'
import type { CompiledPolicy, CompiledStatement, StatementRef } from './compiled-policy.ts'
import { RequestContext } from './request-context.ts'

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `kafka-cluster:WriteData`; matched case-insensitively. */
  action: string
  /** The resource ARN, built by plain concatenation (arn.ts), or `*` for actions without resources. */
  resource: string
  context?: RequestContext
  /** Decides whether aws:ResourceTag/* is visible (cluster only); unspecified means visible. */
  resourceType?: KafkaResourceType
}

export type Decision =
  | { isAllowed: true, reason: 'allowed', action: string, resource: string, statement: StatementRef, impliedBy?: string }
  | { isAllowed: false, reason: 'explicit-deny', action: string, resource: string, statement: StatementRef }
  | { isAllowed: false, reason: 'implicit-deny', action: string, resource: string }

/** The policies of one principal, immutable; build once per policy change and share. */
export class PolicySet {
  static readonly EMPTY = new PolicySet([])
  readonly policies: readonly CompiledPolicy[]
  readonly #denies: readonly CompiledStatement[]
  readonly #allows: readonly CompiledStatement[]

  constructor (policies: readonly CompiledPolicy[]) {
    this.policies = Object.freeze([...policies])
    const statements = policies.flatMap(policy => policy.statements)
    this.#denies = Object.freeze(statements.filter(statement => statement.effect === 'Deny'))
    this.#allows = Object.freeze(statements.filter(statement => statement.effect === 'Allow'))
    Object.freeze(this)
  }

  /** Evaluates one action on one resource. */
  evaluate (request: AuthorizationRequest): Decision {
    const { action, resource } = request
    const lowerAction = action.toLowerCase()
    const lookup = (request.context ?? RequestContext.EMPTY).lookupFor(request.resourceType)
    for (const statement of this.#denies) {
      if (statement.matches(lowerAction, resource, lookup)) return { isAllowed: false, reason: 'explicit-deny', action, resource, statement: statement.ref }
    }
    for (const statement of this.#allows) {
      if (statement.matches(lowerAction, resource, lookup)) return { isAllowed: true, reason: 'allowed', action, resource, statement: statement.ref }
    }
    return { isAllowed: false, reason: 'implicit-deny', action, resource }
  }
}

/**
 * One line saying why, e.g.
 * `no statement allows kafka-cluster:WriteData on arn:aws:kafka:us-east-1:123456789012:topic/c/uuid/user-events`,
 * `statement 'DenyDeletes' (Statement[1]) of policy 'ops' denies kafka-cluster:DeleteTopic on arn:...`.
 */
export function explainDecision (decision: Decision): string {
  const subject = `${decision.action} on ${decision.resource}`
  switch (decision.reason) {
    case 'implicit-deny':
      return `no statement allows ${subject}`
    case 'explicit-deny':
      return `${describeStatement(decision.statement)} denies ${subject}`
    case 'allowed':
      return `${describeStatement(decision.statement)} allows ${decision.impliedBy === undefined ? subject : `${decision.impliedBy} on ${decision.resource}, which implies ${decision.action}`}`
  }
}

export function describeStatement (ref: StatementRef): string {
  const place = `Statement[${ref.index}]`
  const name = ref.sid === undefined || ref.sid === '' ? place : `statement '${ref.sid}' (${place})`
  return `${name} of policy '${ref.policyName}'`
}
