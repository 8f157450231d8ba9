// IAM's wildcard patterns (`*` any run of characters, `?` exactly one) compiled once into a
// RegExp, with policy variables (`${aws:username}`, `${aws:username, 'default'}`, and the escapes
// `${*}`, `${?}`, `${$}`) as IAM resolves them in Version 2012-10-17 documents. In ARN mode a
// wildcard stays inside its colon-separated component, except in the last (resource) component.

/** The values of a request-context key (lower-cased key), or undefined when the request lacks it. */
export type ContextLookup = (key: string) => readonly string[] | undefined

export interface WildcardOptions {
  isCaseInsensitive?: boolean
  /** Policy variables are resolved (Version 2012-10-17); otherwise `${...}` is plain text. */
  isVariablesEnabled?: boolean
  /** ARN mode: `*` and `?` match no `:` within the first five components. */
  isArn?: boolean
}

type Token =
  | { kind: 'text', text: string }
  | { kind: 'star' }
  | { kind: 'question' }
  | { kind: 'variable', key: string, defaultValue: string | undefined }

const VARIABLE_BODY = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' }

export class WildcardPattern {
  readonly source: string
  readonly hasVariables: boolean
  readonly #tokens: readonly Token[]
  readonly #flags: string
  readonly #isArn: boolean
  readonly #staticRegExp: RegExp | undefined

  constructor (source: string, options: WildcardOptions = {}) {
    this.source = source
    this.#tokens = tokenize(source, options.isVariablesEnabled === true)
    this.hasVariables = this.#tokens.some(token => token.kind === 'variable')
    this.#flags = options.isCaseInsensitive === true ? 'si' : 's'
    this.#isArn = options.isArn === true
    this.#staticRegExp = this.hasVariables ? undefined : this.#build(() => undefined)
  }

  /** Whether the value matches; a variable the context cannot resolve makes the pattern match nothing. */
  matches (value: string, lookup?: ContextLookup): boolean {
    if (this.#staticRegExp !== undefined) return this.#staticRegExp.test(value)
    const regExp = this.#build(lookup ?? (() => undefined))
    return regExp !== undefined && regExp.test(value)
  }

  /** The pattern with its variables replaced (wildcards kept), or undefined when one cannot be resolved. */
  resolve (lookup: ContextLookup): string | undefined {
    let text = ''
    for (const token of this.#tokens) {
      if (token.kind === 'text') text += token.text
      else if (token.kind === 'star') text += '*'
      else if (token.kind === 'question') text += '?'
      else {
        const value = variableValue(token, lookup)
        if (value === undefined) return undefined
        text += value
      }
    }
    return text
  }

  #build (lookup: ContextLookup): RegExp | undefined {
    let source = '^'
    let component = 0
    for (const token of this.#tokens) {
      const anyChar = this.#isArn && component < 5 ? '[^:]' : '.'
      if (token.kind === 'star') source += anyChar + '*'
      else if (token.kind === 'question') source += anyChar
      else {
        const text = token.kind === 'text' ? token.text : variableValue(token, lookup)
        if (text === undefined) return undefined
        if (token.kind === 'text') component += countColons(text)
        source += escapeRegExp(text)
      }
    }
    return new RegExp(source + '$', this.#flags)
  }
}

/** True when the pattern is nothing but literal text (no wildcard, no variable). */
export function isLiteralPattern (source: string): boolean {
  return !/[*?]|\$\{/.test(source)
}

function tokenize (source: string, isVariablesEnabled: boolean): Token[] {
  const tokens: Token[] = []
  let text = ''
  const flushText = () => {
    if (text !== '') tokens.push({ kind: 'text', text })
    text = ''
  }
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!
    if (char === '*' || char === '?') {
      flushText()
      tokens.push({ kind: char === '*' ? 'star' : 'question' })
      continue
    }
    if (isVariablesEnabled && char === '$' && source[index + 1] === '{') {
      const end = source.indexOf('}', index + 2)
      const body = end === -1 ? undefined : source.slice(index + 2, end)
      if (body !== undefined) {
        const escaped = ESCAPES[body]
        const match = VARIABLE_BODY.exec(body)
        if (escaped !== undefined) {
          text += escaped
          index = end
          continue
        }
        if (match !== null) {
          flushText()
          tokens.push({ kind: 'variable', key: match[1]!.toLowerCase(), defaultValue: match[2] })
          index = end
          continue
        }
      }
    }
    text += char
  }
  flushText()
  return tokens
}

function variableValue (token: { key: string, defaultValue: string | undefined }, lookup: ContextLookup): string | undefined {
  const values = lookup(token.key)
  // IAM substitutes single-valued keys only; a multivalued key is as good as absent.
  if (values?.length === 1) return values[0]
  return token.defaultValue
}

function countColons (text: string): number {
  let count = 0
  for (const char of text) if (char === ':') count++
  return count
}

function escapeRegExp (text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}
