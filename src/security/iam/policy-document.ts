// IAM identity-policy JSON documents: parsing and validation as IAM's MalformedPolicyDocument does
// it, with the problem and its place in every message ("Statement[1]: Effect must be Allow or
// Deny"), and IAM's size limits (white space not counted). The result is plain, normalized data;
// compiled-policy.ts turns it into matchers.
import { ServiceError } from '../../common/errors.ts'
import { type ConditionClause, conditionValueProblem, parseConditionOperator } from './condition.ts'

export type PolicyVersion = '2012-10-17' | '2008-10-17'
export type PolicyEffect = 'Allow' | 'Deny'

export interface PolicyStatement {
  sid: string | undefined
  effect: PolicyEffect
  /** Exactly one of action / notAction is set. */
  action: readonly string[] | undefined
  notAction: readonly string[] | undefined
  /** Exactly one of resource / notResource is set. */
  resource: readonly string[] | undefined
  notResource: readonly string[] | undefined
  /** Operator-key-values clauses, all of which must hold. */
  condition: readonly ConditionClause[]
}

export interface PolicyDocument {
  /** 2008-10-17 when the document names none, as IAM assumes; policy variables need 2012-10-17. */
  version: PolicyVersion
  id: string | undefined
  statements: readonly PolicyStatement[]
}

/** IAM's quotas on policy size, in characters without white space. */
export const POLICY_SIZE_LIMITS = {
  managedPolicy: 6144,
  roleInlinePolicies: 10240,
  groupInlinePolicies: 5120,
  userInlinePolicies: 2048
} as const

// Far beyond any quota even with generous indentation: refuse before scanning or parsing.
const MAX_RAW_CHARS = 131072

export interface ParsePolicyOptions {
  /** Default POLICY_SIZE_LIMITS.managedPolicy. */
  maxChars?: number
}

/** Characters IAM counts against a size quota: everything but white space. */
export function policySizeChars (text: string): number {
  let count = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) count++
  }
  return count
}

/**
 * Parses and validates a policy document. Throws ServiceError IAM_POLICY_TOO_LARGE (IAM's
 * LimitExceeded) or IAM_POLICY_MALFORMED (IAM's MalformedPolicyDocument) naming the problem and its place.
 */
export function parsePolicyDocument (text: string, options: ParsePolicyOptions = {}): PolicyDocument {
  const maxChars = options.maxChars ?? POLICY_SIZE_LIMITS.managedPolicy
  if (text.length > MAX_RAW_CHARS || policySizeChars(text) > maxChars) {
    throw new ServiceError('IAM_POLICY_TOO_LARGE', `Cannot exceed quota for PolicySize: ${maxChars}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw malformed(`Syntax errors in policy: ${(error as Error).message}`)
  }
  return validatePolicyDocument(value)
}

/** Validates an already parsed document (see parsePolicyDocument; no size check). */
export function validatePolicyDocument (value: unknown): PolicyDocument {
  if (!isObject(value)) throw malformed('Syntax errors in policy: the document must be a JSON object')
  checkKnownFields(value, ['Version', 'Id', 'Statement'], '')
  const version = value.Version ?? '2008-10-17'
  if (version !== '2012-10-17' && version !== '2008-10-17') {
    throw malformed(`Version: The policy must contain a valid version string (2012-10-17 or 2008-10-17), not ${JSON.stringify(version)}`)
  }
  if (value.Id !== undefined && typeof value.Id !== 'string') throw malformed('Id: must be a string')
  if (value.Statement === undefined) throw malformed('Missing required field Statement')
  const rawStatements = Array.isArray(value.Statement) ? value.Statement : [value.Statement]
  if (rawStatements.length === 0) throw malformed('Statement: must contain at least one statement')
  const statements = rawStatements.map((statement, index) => validateStatement(statement, `Statement[${index}]`))
  const sids = new Set<string>()
  statements.forEach((statement, index) => {
    if (statement.sid === undefined || statement.sid === '') return
    if (sids.has(statement.sid)) throw malformed(`Statement[${index}]: Statement IDs (SID) in a single policy must be unique ('${statement.sid}')`)
    sids.add(statement.sid)
  })
  return { version, id: value.Id, statements }
}

function validateStatement (value: unknown, place: string): PolicyStatement {
  if (!isObject(value)) throw malformed(`${place}: a statement must be a JSON object`)
  if (value.Principal !== undefined || value.NotPrincipal !== undefined) {
    throw malformed(`${place}: Policy document should not specify a principal (identity policies apply to their holder)`)
  }
  checkKnownFields(value, ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'], place)
  const sid = value.Sid
  if (sid !== undefined && (typeof sid !== 'string' || !/^[0-9A-Za-z]*$/.test(sid))) {
    throw malformed(`${place}: Statement IDs (SID) must be alpha-numeric, not ${JSON.stringify(sid)}`)
  }
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw malformed(`${place}: Effect must be Allow or Deny${value.Effect === undefined ? ' (it is missing)' : `, not ${JSON.stringify(value.Effect)}`}`)
  }
  const [action, notAction] = exactlyOne(value, 'Action', 'NotAction', place, 'Policy statement must contain actions')
  const [resource, notResource] = exactlyOne(value, 'Resource', 'NotResource', place, 'Policy statement must contain resources')
  for (const [name, list] of [['Action', action], ['NotAction', notAction]] as const) {
    list?.forEach((pattern, index) => {
      if (pattern !== '*' && !/^[^:*?]+:.+$/.test(pattern)) {
        throw malformed(`${place}.${name}[${index}]: Actions must be prefaced by a vendor, e.g. kafka-cluster:WriteData, not '${pattern}'`)
      }
    })
  }
  for (const [name, list] of [['Resource', resource], ['NotResource', notResource]] as const) {
    list?.forEach((pattern, index) => {
      if (pattern !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(pattern)) {
        throw malformed(`${place}.${name}[${index}]: Resource ${pattern} must be in ARN format or "*"`)
      }
    })
  }
  return { sid, effect: value.Effect, action, notAction, resource, notResource, condition: validateCondition(value.Condition, `${place}.Condition`) }
}

function exactlyOne (statement: Record<string, unknown>, name: string, notName: string, place: string, missing: string): [string[] | undefined, string[] | undefined] {
  const positive = statement[name]
  const negative = statement[notName]
  if (positive !== undefined && negative !== undefined) throw malformed(`${place}: a statement cannot contain both ${name} and ${notName}`)
  if (positive === undefined && negative === undefined) throw malformed(`${place}: ${missing} (${name} or ${notName})`)
  return positive !== undefined
    ? [stringList(positive, `${place}.${name}`), undefined]
    : [undefined, stringList(negative, `${place}.${notName}`)]
}

function stringList (value: unknown, place: string): string[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) throw malformed(`${place}: must not be empty`)
  return list.map((item, index) => {
    if (typeof item !== 'string' || item === '') throw malformed(`${place}[${index}]: must be a non-empty string, not ${JSON.stringify(item)}`)
    return item
  })
}

function validateCondition (value: unknown, place: string): ConditionClause[] {
  if (value === undefined) return []
  if (!isObject(value)) throw malformed(`${place}: must be an object of condition operators`)
  const clauses: ConditionClause[] = []
  for (const [operatorName, keys] of Object.entries(value)) {
    const operator = parseConditionOperator(operatorName)
    if (typeof operator === 'string') throw malformed(`${place}: ${operator}`)
    if (!isObject(keys) || Object.keys(keys).length === 0) throw malformed(`${place}.${operatorName}: must be an object of condition keys and values`)
    for (const [key, rawValues] of Object.entries(keys)) {
      const keyPlace = `${place}.${operatorName}.${key}`
      if (!/^[^:\s]+:\S+$/.test(key)) throw malformed(`${keyPlace}: Conditions must be prefaced by a vendor, e.g. aws:SourceIp`)
      const list = Array.isArray(rawValues) ? rawValues : [rawValues]
      if (list.length === 0) throw malformed(`${keyPlace}: must have at least one value`)
      const values = list.map((item, index) => {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
          throw malformed(`${keyPlace}[${index}]: a condition value must be a string, number or boolean, not ${JSON.stringify(item)}`)
        }
        const text = String(item)
        const problem = conditionValueProblem(operator, text)
        if (problem !== undefined) throw malformed(`${keyPlace}[${index}]: ${problem} (${operator.baseName})`)
        return text
      })
      clauses.push({ operator: operatorName, key, values })
    }
  }
  return clauses
}

function checkKnownFields (value: Record<string, unknown>, known: readonly string[], place: string): void {
  for (const field of Object.keys(value)) {
    if (!known.includes(field)) throw malformed(`${place === '' ? '' : place + ': '}Syntax errors in policy: unknown element '${field}'`)
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function malformed (message: string): ServiceError {
  return new ServiceError('IAM_POLICY_MALFORMED', message)
}
