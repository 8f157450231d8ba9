// IAM Condition operators (spec 4.4): parsing `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`,
// checking policy values, and compiling each clause into a test over the request context with
// IAM's rules for absent keys: a positive operator is false, a negated one true, `...IfExists`
// true, ForAllValues true, ForAnyValue false, and `Null` tests presence. Clauses are AND-ed;
// a clause's values are OR-ed (for negated operators: the key matches none of them).
import { BlockList, isIP } from 'node:net'
import { type ContextLookup, WildcardPattern } from './wildcard.ts'

type OperatorKind = 'string' | 'string-ignore-case' | 'string-like' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null'
type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte'

interface BaseOperator {
  kind: OperatorKind
  isNegated: boolean
  comparison: Comparison
}

const BASE_OPERATORS: Record<string, BaseOperator> = {
  StringEquals: { kind: 'string', isNegated: false, comparison: 'eq' },
  StringNotEquals: { kind: 'string', isNegated: true, comparison: 'eq' },
  StringEqualsIgnoreCase: { kind: 'string-ignore-case', isNegated: false, comparison: 'eq' },
  StringNotEqualsIgnoreCase: { kind: 'string-ignore-case', isNegated: true, comparison: 'eq' },
  StringLike: { kind: 'string-like', isNegated: false, comparison: 'eq' },
  StringNotLike: { kind: 'string-like', isNegated: true, comparison: 'eq' },
  NumericEquals: { kind: 'numeric', isNegated: false, comparison: 'eq' },
  NumericNotEquals: { kind: 'numeric', isNegated: true, comparison: 'eq' },
  NumericLessThan: { kind: 'numeric', isNegated: false, comparison: 'lt' },
  NumericLessThanEquals: { kind: 'numeric', isNegated: false, comparison: 'lte' },
  NumericGreaterThan: { kind: 'numeric', isNegated: false, comparison: 'gt' },
  NumericGreaterThanEquals: { kind: 'numeric', isNegated: false, comparison: 'gte' },
  DateEquals: { kind: 'date', isNegated: false, comparison: 'eq' },
  DateNotEquals: { kind: 'date', isNegated: true, comparison: 'eq' },
  DateLessThan: { kind: 'date', isNegated: false, comparison: 'lt' },
  DateLessThanEquals: { kind: 'date', isNegated: false, comparison: 'lte' },
  DateGreaterThan: { kind: 'date', isNegated: false, comparison: 'gt' },
  DateGreaterThanEquals: { kind: 'date', isNegated: false, comparison: 'gte' },
  Bool: { kind: 'bool', isNegated: false, comparison: 'eq' },
  BinaryEquals: { kind: 'binary', isNegated: false, comparison: 'eq' },
  IpAddress: { kind: 'ip', isNegated: false, comparison: 'eq' },
  NotIpAddress: { kind: 'ip', isNegated: true, comparison: 'eq' },
  ArnEquals: { kind: 'arn', isNegated: false, comparison: 'eq' },
  ArnLike: { kind: 'arn', isNegated: false, comparison: 'eq' },
  ArnNotEquals: { kind: 'arn', isNegated: true, comparison: 'eq' },
  ArnNotLike: { kind: 'arn', isNegated: true, comparison: 'eq' },
  Null: { kind: 'null', isNegated: false, comparison: 'eq' }
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues'

export interface ConditionOperator extends BaseOperator {
  /** As written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  name: string
  /** Without qualifier and suffix, e.g. `StringLike`. */
  baseName: string
  setQualifier: SetQualifier | undefined
  isIfExists: boolean
}

/** The operator, or a problem text in IAM's words ("Invalid Condition type : X"). */
export function parseConditionOperator (name: string): ConditionOperator | string {
  let rest = name
  let setQualifier: SetQualifier | undefined
  for (const qualifier of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(qualifier + ':')) {
      setQualifier = qualifier
      rest = rest.slice(qualifier.length + 1)
    }
  }
  const isIfExists = rest.endsWith('IfExists')
  const baseName = isIfExists ? rest.slice(0, -'IfExists'.length) : rest
  const base = Object.hasOwn(BASE_OPERATORS, baseName) ? BASE_OPERATORS[baseName] : undefined
  if (base === undefined) return `Invalid Condition type : ${name}`
  if (base.kind === 'null' && (isIfExists || setQualifier !== undefined)) return `Invalid Condition type : ${name} (Null takes no IfExists or set qualifier)`
  return { ...base, name, baseName, setQualifier, isIfExists }
}

/** Why a policy value cannot be used with the operator, or undefined when it can. */
export function conditionValueProblem (operator: ConditionOperator, value: string): string | undefined {
  switch (operator.kind) {
    case 'numeric':
      return parseNumber(value) === undefined ? `'${value}' is not a number` : undefined
    case 'date':
      return parseDateMs(value) === undefined ? `'${value}' is not a date (ISO 8601 or epoch seconds)` : undefined
    case 'bool':
    case 'null':
      return /^(true|false)$/i.test(value) ? undefined : `'${value}' is not true or false`
    case 'ip':
      return parseCidr(value) === undefined ? `'${value}' is not an IP address or CIDR block` : undefined
    default:
      return undefined
  }
}

/** One operator-key-values clause of a statement's Condition. */
export interface ConditionClause {
  operator: string
  key: string
  values: readonly string[]
}

/** A compiled clause; `test` is pure and cheap. */
export interface CompiledClause {
  readonly clause: ConditionClause
  test: (lookup: ContextLookup) => boolean
}

/** Compiles a validated clause (see parseConditionOperator and conditionValueProblem). */
export function compileClause (clause: ConditionClause, isVariablesEnabled: boolean): CompiledClause {
  const operator = parseConditionOperator(clause.operator)
  if (typeof operator === 'string') throw new TypeError(operator)
  const key = clause.key.toLowerCase()
  if (operator.kind === 'null') {
    const wantsAbsent = clause.values.map(value => value.toLowerCase() === 'true')
    return {
      clause,
      test: lookup => {
        const isAbsent = (lookup(key)?.length ?? 0) === 0
        return wantsAbsent.some(wanted => wanted === isAbsent)
      }
    }
  }
  const matchesAny = valueMatcher(operator, clause.values, isVariablesEnabled)
  const { isNegated, setQualifier, isIfExists } = operator
  return {
    clause,
    test: lookup => {
      const contextValues = lookup(key)
      if (contextValues === undefined || contextValues.length === 0) {
        if (isIfExists) return true
        if (setQualifier === 'ForAllValues') return true
        if (setQualifier === 'ForAnyValue') return false
        return isNegated
      }
      const isHit = (value: string) => matchesAny(value, lookup) !== isNegated
      if (setQualifier === 'ForAllValues') return contextValues.every(isHit)
      if (setQualifier === 'ForAnyValue') return contextValues.some(isHit)
      // A single-valued operator: positive if any request value matches, negated if none does.
      const isAnyMatch = contextValues.some(value => matchesAny(value, lookup))
      return isAnyMatch !== isNegated
    }
  }
}

type ValueMatcher = (contextValue: string, lookup: ContextLookup) => boolean

/** Whether a request value matches any of the policy values, by the operator's positive form. */
function valueMatcher (operator: ConditionOperator, values: readonly string[], isVariablesEnabled: boolean): ValueMatcher {
  switch (operator.kind) {
    case 'string':
    case 'string-ignore-case':
    case 'binary': {
      const isIgnoreCase = operator.kind === 'string-ignore-case'
      const fold = (text: string) => isIgnoreCase ? text.toLowerCase() : text
      const patterns = values.map(value => new WildcardPattern(value, { isVariablesEnabled }))
      const staticValues = new Set(patterns.filter(pattern => !pattern.hasVariables).map(pattern => fold(pattern.resolve(() => undefined)!)))
      const variablePatterns = patterns.filter(pattern => pattern.hasVariables)
      return (contextValue, lookup) => {
        const folded = fold(contextValue)
        if (staticValues.has(folded)) return true
        return variablePatterns.some(pattern => {
          const resolved = pattern.resolve(lookup)
          return resolved !== undefined && fold(resolved) === folded
        })
      }
    }
    case 'string-like':
    case 'arn': {
      const isArn = operator.kind === 'arn'
      const patterns = values.map(value => new WildcardPattern(value, { isVariablesEnabled, isArn }))
      return (contextValue, lookup) => patterns.some(pattern => pattern.matches(contextValue, lookup))
    }
    case 'numeric':
    case 'date': {
      const parse = operator.kind === 'numeric' ? parseNumber : parseDateMs
      const limits = values.map(value => parse(value)!)
      const comparison = operator.comparison
      return contextValue => {
        const actual = parse(contextValue)
        return actual !== undefined && limits.some(limit => compare(actual, comparison, limit))
      }
    }
    case 'bool': {
      const wanted = new Set(values.map(value => value.toLowerCase()))
      return contextValue => wanted.has(contextValue.toLowerCase())
    }
    case 'ip': {
      const blocks = new BlockList()
      for (const value of values) {
        const cidr = parseCidr(value)!
        blocks.addSubnet(cidr.address, cidr.prefix, cidr.family)
      }
      return contextValue => {
        const address = unmapIpv4(contextValue.trim())
        const family = isIP(address)
        return family !== 0 && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6')
      }
    }
    default:
      throw new TypeError(`no value matcher for ${operator.name}`)
  }
}

function compare (actual: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case 'eq': return actual === limit
    case 'lt': return actual < limit
    case 'lte': return actual <= limit
    case 'gt': return actual > limit
    case 'gte': return actual >= limit
  }
}

function parseNumber (text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined
  return Number(text)
}

/** ISO 8601 (date or date-time) or epoch seconds, as IAM's Date operators accept them. */
function parseDateMs (text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return undefined
  const ms = Date.parse(trimmed)
  return Number.isNaN(ms) ? undefined : ms
}

interface Cidr {
  address: string
  prefix: number
  family: 'ipv4' | 'ipv6'
}

function parseCidr (text: string): Cidr | undefined {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/')
  if (rest.length > 0 || rawAddress === undefined) return undefined
  const address = unmapIpv4(rawAddress)
  const version = isIP(address)
  if (version === 0) return undefined
  const maxPrefix = version === 4 ? 32 : 128
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return undefined
  const prefix = rawPrefix === undefined ? maxPrefix : Number(rawPrefix)
  if (prefix > maxPrefix) return undefined
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' }
}

/** Sockets on a dual-stack listener report IPv4 clients as `::ffff:a.b.c.d`; IAM sees the IPv4 address. */
function unmapIpv4 (address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return match === null ? address : match[1]!
}
