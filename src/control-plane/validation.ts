// Checks of request members shared by the operations, each failing with BadRequestException that
// names the member, as AWS's validation messages do.
import { badRequest } from './errors.ts'

// MSK's tag limits (TagResource): 50 tags, keys 1-128 and values 0-256 characters, no aws: prefix.
export const MAX_TAGS = 50
const MAX_TAG_KEY_LENGTH = 128
const MAX_TAG_VALUE_LENGTH = 256

export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function stringList (value: unknown, member: string, options: { isRequired: boolean }): string[] | undefined {
  if (value === undefined || value === null) {
    if (options.isRequired) throw badRequest(`${member} is required`, member)
    return undefined
  }
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string' && item !== '')) {
    throw badRequest(`${member} must be a list of non-empty strings`, member)
  }
  return [...value] as string[]
}

/** Checks a tag map and the keys alone (UntagResource). */
export function tagKeyProblem (key: string): string | undefined {
  if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) return `the tag key '${key.slice(0, 140)}' must have 1-${MAX_TAG_KEY_LENGTH} characters`
  if (key.toLowerCase().startsWith('aws:')) return `the tag key '${key}' uses the reserved prefix aws:`
  return undefined
}

export function tagMap (value: unknown, member: string, options: { isRequired: boolean }): Record<string, string> {
  if (value === undefined || value === null) {
    if (options.isRequired) throw badRequest(`${member} is required`, member)
    return {}
  }
  if (!isRecord(value)) throw badRequest(`${member} must be a map of tag keys to string values`, member)
  const entries = Object.entries(value)
  if (entries.length > MAX_TAGS) throw badRequest(`${member} has ${entries.length} tags; a resource can have at most ${MAX_TAGS}`, member)
  const tags: Record<string, string> = {}
  for (const [key, tagValue] of entries) {
    const problem = tagKeyProblem(key)
    if (problem !== undefined) throw badRequest(`${member}: ${problem}`, member)
    if (typeof tagValue !== 'string') throw badRequest(`${member}: the value of tag '${key}' must be a string`, member)
    if (tagValue.length > MAX_TAG_VALUE_LENGTH) throw badRequest(`${member}: the value of tag '${key}' is longer than ${MAX_TAG_VALUE_LENGTH} characters`, member)
    tags[key] = tagValue
  }
  return tags
}

/** A query parameter given once (a repeated one is refused), or undefined. */
export function singleQueryValue (query: unknown, name: string): string | undefined {
  const value = isRecord(query) ? query[name] : undefined
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw badRequest(`the query parameter ${name} is given more than once`, name)
  return value
}
