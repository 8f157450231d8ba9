// A policy compiled once into matchers: actions case-insensitive with `*`/`?`, resources as ARNs
// matched per component and case-sensitive (`*` spans `/` in the resource part), policy variables
// in Version 2012-10-17 documents, and conditions. Compiled policies are immutable and can be
// shared by every connection of a principal; checks against them allocate little.
import { type CompiledClause, compileClause } from './condition.ts'
import { type PolicyDocument, type PolicyEffect, type PolicyStatement, parsePolicyDocument, type ParsePolicyOptions } from './policy-document.ts'
import { type ContextLookup, WildcardPattern, isLiteralPattern } from './wildcard.ts'

/** Where a statement comes from, for explanations and logs. */
export interface StatementRef {
  policyName: string
  /** Position in the document's Statement list (0 when it is a single object). */
  index: number
  sid: string | undefined
}

export class CompiledStatement {
  readonly ref: StatementRef
  readonly effect: PolicyEffect
  readonly statement: PolicyStatement
  readonly #actions: ActionMatcher
  readonly #isNotAction: boolean
  readonly #resources: readonly WildcardPattern[] | 'any'
  readonly #isNotResource: boolean
  readonly #conditions: readonly CompiledClause[]

  constructor (ref: StatementRef, statement: PolicyStatement, isVariablesEnabled: boolean) {
    this.ref = Object.freeze({ ...ref })
    this.effect = statement.effect
    this.statement = statement
    this.#isNotAction = statement.notAction !== undefined
    this.#actions = new ActionMatcher(statement.action ?? statement.notAction ?? [])
    this.#isNotResource = statement.notResource !== undefined
    const resources = statement.resource ?? statement.notResource ?? []
    this.#resources = resources.includes('*')
      ? 'any'
      : resources.map(resource => new WildcardPattern(resource, { isArn: true, isVariablesEnabled }))
    this.#conditions = statement.condition.map(clause => compileClause(clause, isVariablesEnabled))
    Object.freeze(this)
  }

  /** Whether the statement applies to the request: action, resource and every condition. `lowerAction` is lower-cased. */
  matches (lowerAction: string, resource: string, lookup: ContextLookup): boolean {
    if (this.#actions.matches(lowerAction) === this.#isNotAction) return false
    const isResourceMatch = this.#resources === 'any' || this.#resources.some(pattern => pattern.matches(resource, lookup))
    if (isResourceMatch === this.#isNotResource) return false
    return this.#conditions.every(condition => condition.test(lookup))
  }
}

/** Literal actions in a set, patterns as case-insensitive RegExps. */
class ActionMatcher {
  readonly #literals: ReadonlySet<string>
  readonly #patterns: readonly WildcardPattern[]
  readonly #isAny: boolean

  constructor (actions: readonly string[]) {
    this.#isAny = actions.includes('*')
    this.#literals = new Set(actions.filter(isLiteralPattern).map(action => action.toLowerCase()))
    this.#patterns = actions.filter(action => !isLiteralPattern(action)).map(action => new WildcardPattern(action, { isCaseInsensitive: true }))
  }

  matches (lowerAction: string): boolean {
    return this.#isAny || this.#literals.has(lowerAction) || this.#patterns.some(pattern => pattern.matches(lowerAction))
  }
}

export class CompiledPolicy {
  readonly name: string
  readonly document: PolicyDocument
  readonly statements: readonly CompiledStatement[]

  constructor (name: string, document: PolicyDocument) {
    this.name = name
    this.document = document
    const isVariablesEnabled = document.version === '2012-10-17'
    this.statements = Object.freeze(document.statements.map((statement, index) =>
      new CompiledStatement({ policyName: name, index, sid: statement.sid }, statement, isVariablesEnabled)))
    Object.freeze(this)
  }
}

/** Parses (see parsePolicyDocument for the errors it throws) and compiles a policy document. */
export function compilePolicy (name: string, document: string | PolicyDocument, options?: ParsePolicyOptions): CompiledPolicy {
  return new CompiledPolicy(name, typeof document === 'string' ? parsePolicyDocument(document, options) : document)
}
