// Typed access to one request's query parameters, with AWS's validation errors: required members,
// whole numbers in range, booleans, and member lists (`PolicyArns.member.1`, `.member.2` ...).
import { missingParameter, validationError } from './query-errors.ts'

const MAX_LIST_MEMBERS = 100

export class QueryParams {
  readonly #values: ReadonlyMap<string, string>

  constructor (values: ReadonlyMap<string, string>) {
    this.#values = values
  }

  get action (): string | undefined {
    return this.#values.get('Action')
  }

  get version (): string | undefined {
    return this.#values.get('Version')
  }

  optional (name: string): string | undefined {
    return this.#values.get(name)
  }

  required (name: string): string {
    const value = this.#values.get(name)
    if (value === undefined) throw missingParameter(name)
    return value
  }

  /** A whole number within [min, max], or undefined when absent. */
  integer (name: string, min: number, max: number): number | undefined {
    const text = this.#values.get(name)
    if (text === undefined) return undefined
    const value = Number(text)
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
      throw validationError(`1 validation error detected: Value '${text}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be a whole number from ${min} to ${max}`)
    }
    return value
  }

  boolean (name: string): boolean | undefined {
    const text = this.#values.get(name)
    if (text === undefined) return undefined
    if (text !== 'true' && text !== 'false') throw validationError(`Value '${text}' at '${lowerFirst(name)}' must be true or false`)
    return text === 'true'
  }

  /** `<name>.member.1` ... in order; the numbering must be contiguous from 1. */
  list (name: string): string[] {
    const members: string[] = []
    for (let index = 1; ; index++) {
      const value = this.#values.get(`${name}.member.${index}`)
      if (value === undefined) break
      if (index > MAX_LIST_MEMBERS) throw validationError(`${name} has more than ${MAX_LIST_MEMBERS} members`)
      members.push(value)
    }
    return members
  }

  /** Whether any parameter is `name` or starts with `name.` (a list or structure). */
  has (name: string): boolean {
    for (const key of this.#values.keys()) if (key === name || key.startsWith(`${name}.`)) return true
    return false
  }

  /** Refuses parameters Skiff does not implement, rather than ignoring what the caller relies on. */
  refuseUnsupported (names: readonly string[], why: string): void {
    for (const name of names) if (this.has(name)) throw validationError(`${name} is not supported by Skiff: ${why}`)
  }
}

function lowerFirst (name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}
