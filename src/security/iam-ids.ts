// IAM's identifiers and names: generators for account ids, access key ids (AKIA/ASIA), secrets,
// session tokens and unique ids (AIDA/AROA/ANPA) in AWS's formats, and the checks IAM applies to
// names, paths and durations, each refusal a ServiceError IAM_INVALID_INPUT naming the field.
import { randomBytes } from 'node:crypto'
import { ServiceError } from '../common/errors.ts'

/** Where ids come from; tests inject a seeded source. */
export type RandomSource = (size: number) => Buffer

export const systemRandom: RandomSource = size => randomBytes(size)

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function pick (random: RandomSource, alphabet: string, length: number): string {
  // Both alphabets have a power-of-two size, so a byte modulo their length is unbiased.
  return [...random(length)].map(byte => alphabet[byte % alphabet.length]).join('')
}

/** 12 digits, not starting with 0. */
export function newAccountId (random: RandomSource = systemRandom): string {
  const digits = [...random(12)].map(byte => String(byte % 10))
  if (digits[0] === '0') digits[0] = String(1 + (random(1)[0]! % 9))
  return digits.join('')
}

/** AKIA (a user's long-term key) or ASIA (temporary), then 16 base-32 characters. */
export function newAccessKeyId (kind: 'AKIA' | 'ASIA', random: RandomSource = systemRandom): string {
  return kind + pick(random, BASE32, 16)
}

/** 40 characters, as AWS's secret access keys have. */
export function newSecretAccessKey (random: RandomSource = systemRandom): string {
  return pick(random, SECRET_ALPHABET, 40)
}

/** An opaque session token: 96 random bytes in base64. */
export function newSessionToken (random: RandomSource = systemRandom): string {
  return random(96).toString('base64')
}

/** AIDA (user), AROA (role) or ANPA (managed policy), then 17 base-32 characters. */
export function newUniqueId (kind: 'AIDA' | 'AROA' | 'ANPA', random: RandomSource = systemRandom): string {
  return kind + pick(random, BASE32, 17)
}

const NAME = /^[\w+=,.@-]+$/

function invalid (message: string): ServiceError {
  return new ServiceError('IAM_INVALID_INPUT', message)
}

/** A user, role or policy name: letters, digits and `_+=,.@-`, 1 to `maxLength` characters. */
export function checkName (field: string, value: string, maxLength: number): string {
  if (value.length < 1 || value.length > maxLength || !NAME.test(value)) {
    throw invalid(`${field} '${value}' is not valid: use 1 to ${maxLength} letters, digits and _+=,.@-`)
  }
  return value
}

export function checkUserName (value: string): string {
  return checkName('UserName', value, 64)
}

export function checkRoleName (value: string): string {
  return checkName('RoleName', value, 64)
}

export function checkPolicyName (value: string): string {
  return checkName('PolicyName', value, 128)
}

/** RoleSessionName: 2 to 64 of the name characters. */
export function checkRoleSessionName (value: string): string {
  if (value.length < 2) throw invalid(`RoleSessionName '${value}' is too short: use 2 to 64 letters, digits and _+=,.@-`)
  return checkName('RoleSessionName', value, 64)
}

/** `/` or `/a/b/`: starts and ends with a slash, printable ASCII between, at most 512 characters. */
export function checkPath (value: string | undefined): string {
  const path = value ?? '/'
  if (path.length > 512 || !/^\/(?:[\x21-\x7e]*\/)?$/.test(path)) {
    throw invalid(`Path '${path}' is not valid: it must start and end with / (e.g. /division/), printable ASCII, at most 512 characters`)
  }
  return path
}

/** A whole number of seconds within [min, max]. */
export function checkSeconds (field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} ${value} is out of range: it must be a whole number of seconds from ${min} to ${max}`)
  }
  return value
}
