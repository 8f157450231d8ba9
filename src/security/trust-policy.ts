// A role's trust policy (AssumeRolePolicyDocument): who may assume the role. It is an IAM policy
// whose statements name a Principal (or NotPrincipal) and no Resource. Validation reuses the
// identity-policy grammar for everything but those elements; evaluation keeps the statements whose
// principal matches the caller and hands them to the policy engine (explicit Deny wins, no Allow
// denies), asking for sts:AssumeRole on the role's ARN.
import { ServiceError } from '../common/errors.ts'
import type { Principal } from './identity.ts'
import { compilePolicy } from './iam/compiled-policy.ts'
import { policySizeChars, validatePolicyDocument } from './iam/policy-document.ts'
import { PolicySet, type Decision } from './iam/policy-evaluator.ts'
import { RequestContext } from './iam/request-context.ts'

/** IAM's quota on a role trust policy, in characters without white space. */
export const TRUST_POLICY_MAX_CHARS = 2048

type PrincipalValue = '*' | Record<string, string[]>

interface TrustStatement {
  principal: PrincipalValue | undefined
  notPrincipal: PrincipalValue | undefined
  /** The statement without Principal/NotPrincipal, with Resource "*", as the policy engine reads it. */
  rest: Record<string, unknown>
}

export interface TrustPolicy {
  version: unknown
  statements: TrustStatement[]
}

function malformed (message: string): ServiceError {
  return new ServiceError('IAM_POLICY_MALFORMED', message)
}

/** Parses and validates a trust policy; throws IAM_POLICY_TOO_LARGE or IAM_POLICY_MALFORMED naming the place. */
export function parseTrustPolicy (text: string): TrustPolicy {
  if (policySizeChars(text) > TRUST_POLICY_MAX_CHARS) throw new ServiceError('IAM_POLICY_TOO_LARGE', `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX_CHARS}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw malformed(`Syntax errors in policy: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('Syntax errors in policy: the document must be a JSON object')
  const document = value as Record<string, unknown>
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement]
  const statements = raw.map((statement: unknown, index) => {
    const place = `Statement[${index}]`
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) throw malformed(`${place}: a statement must be a JSON object`)
    const { Principal, NotPrincipal, ...rest } = statement as Record<string, unknown>
    if (Principal === undefined && NotPrincipal === undefined) throw malformed(`${place}: a trust policy statement needs a Principal`)
    if (Principal !== undefined && NotPrincipal !== undefined) throw malformed(`${place}: a statement cannot contain both Principal and NotPrincipal`)
    if (rest.Resource !== undefined || rest.NotResource !== undefined) throw malformed(`${place}: Has prohibited field Resource (a trust policy applies to its role)`)
    return {
      principal: Principal === undefined ? undefined : principalValue(Principal, `${place}.Principal`),
      notPrincipal: NotPrincipal === undefined ? undefined : principalValue(NotPrincipal, `${place}.NotPrincipal`),
      rest: { ...rest, Resource: '*' }
    }
  })
  // The remaining grammar (Effect, Action, Condition, Sid, Version) is the identity policies'.
  validatePolicyDocument({ ...document, Statement: statements.map(statement => statement.rest) })
  return { version: document.Version, statements }
}

function principalValue (value: unknown, place: string): PrincipalValue {
  if (value === '*') return '*'
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${place}: must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}`)
  const result: Record<string, string[]> = {}
  for (const [kind, entries] of Object.entries(value)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(kind)) throw malformed(`${place}: unknown principal type '${kind}'`)
    const list = Array.isArray(entries) ? entries : [entries]
    if (list.length === 0 || list.some(entry => typeof entry !== 'string' || entry === '')) throw malformed(`${place}.${kind}: must be a non-empty string or list of strings`)
    if (kind === 'AWS') {
      list.forEach((entry: string, index) => {
        if (entry !== '*' && !/^\d{12}$/.test(entry) && !/^arn:[^:]+:(iam|sts)::\d{12}:.+$/.test(entry)) {
          throw malformed(`${place}.AWS[${index}]: Invalid principal '${entry}': use an account id, an IAM or STS ARN, or "*"`)
        }
      })
    }
    result[kind] = list as string[]
  }
  return result
}

type CallerMatch = 'named' | 'account' | undefined

/** How a Principal element names the caller: by its ARN (or, for a role session, its role's), by its account (id, :root, "*"), or not. */
function matchCaller (value: PrincipalValue, caller: Principal): CallerMatch {
  if (value === '*') return 'account'
  let match: CallerMatch
  for (const entry of value.AWS ?? []) {
    const role = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(entry)
    if (entry === caller.arn || (caller.kind === 'assumed-role' && role !== null && role[1] === caller.accountId && role[2] === caller.name)) return 'named'
    if (entry === '*' || entry === caller.accountId || entry === `arn:aws:iam::${caller.accountId}:root`) match = 'account'
  }
  return match
}

export interface AssumeRoleCheck {
  trustPolicy: string
  roleArn: string
  caller: Principal
  context?: RequestContext
}

export interface TrustDecision {
  decision: Decision
  /**
   * Whether statements naming the caller itself allow it. When only its account (or `*`) is
   * trusted, AWS also requires the caller's own policies to allow sts:AssumeRole on the role.
   */
  isCallerNamed: boolean
}

/** The decision on sts:AssumeRole of the role by the caller; explainDecision renders its reason. */
export function evaluateTrustPolicy (check: AssumeRoleCheck): TrustDecision {
  const trust = parseTrustPolicy(check.trustPolicy)
  const matches = trust.statements.map(statement => statement.principal !== undefined
    ? matchCaller(statement.principal, check.caller)
    : (matchCaller(statement.notPrincipal!, check.caller) === undefined ? 'account' : undefined))
  const request = {
    action: 'sts:AssumeRole',
    resource: check.roleArn,
    context: check.context ?? new RequestContext({ principalArn: check.caller.arn, principalAccount: check.caller.accountId, userId: check.caller.userId })
  }
  const evaluate = (statements: TrustStatement[]): Decision => {
    if (statements.length === 0) return PolicySet.EMPTY.evaluate(request)
    const document = validatePolicyDocument({ Version: trust.version, Statement: statements.map(statement => statement.rest) })
    return new PolicySet([compilePolicy('trust policy', document)]).evaluate(request)
  }
  const decision = evaluate(trust.statements.filter((_, index) => matches[index] !== undefined))
  if (!decision.isAllowed) return { decision, isCallerNamed: false }
  const named = evaluate(trust.statements.filter((statement, index) => matches[index] === 'named' || (matches[index] !== undefined && statement.rest.Effect === 'Deny')))
  return { decision, isCallerNamed: named.isAllowed }
}
