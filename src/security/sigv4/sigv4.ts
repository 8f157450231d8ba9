// AWS Signature Version 4 building blocks: the AWS URI encoder, canonical URI, query and request,
// string to sign, signing key and a constant-time compare. Pure functions over node:crypto.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'
export const SIGV4_TERMINATOR = 'aws4_request'
/** SHA-256 of the empty body: the payload hash of every presigned MSK IAM URL. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * The AWS URI encoder: every UTF-8 byte except `A-Z a-z 0-9 - _ . ~` as upper-case `%XX`, space as
 * `%20`. Throws URIError for a string with a lone surrogate (it has no UTF-8 form).
 */
export function awsUriEncode (value: string): string {
  // encodeURIComponent already encodes everything else with upper-case hex; it leaves ! ' ( ) * alone.
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * Canonical query: names and values AWS-encoded, sorted by encoded name then value, joined
 * `name=value` with `&`. Parameters are given decoded; a repeated name appears once per value.
 */
export function canonicalQuery (parameters: Iterable<readonly [string, string]>): string {
  const encoded: Array<[string, string]> = []
  for (const [name, value] of parameters) encoded.push([awsUriEncode(name), awsUriEncode(value)])
  // Encoded strings are ASCII, so code-unit order is byte order.
  encoded.sort(([nameA, valueA], [nameB, valueB]) =>
    nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0)
  return encoded.map(([name, value]) => `${name}=${value}`).join('&')
}

/**
 * Canonical URI of a raw request path (as sent, still percent-encoded) for every service but S3:
 * empty and `.` segments dropped, `..` removes its parent, then each segment AWS-encoded again, so
 * `%3A` in the path becomes `%253A`. A trailing slash is kept. Matches AWS's normalize-path suite.
 */
export function canonicalUri (rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      segments.pop()
      continue
    }
    segments.push(awsUriEncode(segment))
  }
  if (segments.length === 0) return '/'
  return `/${segments.join('/')}${rawPath.endsWith('/') ? '/' : ''}`
}

/** A header value as SigV4 signs it: trimmed, each run of whitespace collapsed to one space. */
export function canonicalHeaderValue (value: string): string {
  return value.trim().replace(/\s+/g, ' ')
}

export interface CanonicalRequestParts {
  method: string
  canonicalUri: string
  canonicalQuery: string
  /** Signed headers in order: lower-case names with canonical values. */
  headers: ReadonlyArray<readonly [string, string]>
  payloadHash: string
}

/** `METHOD\nURI\nQUERY\nname:value\n...\n\nsigned;headers\nPAYLOAD_HASH`. */
export function canonicalRequest (parts: CanonicalRequestParts): string {
  const headerLines = parts.headers.map(([name, value]) => `${name}:${value}\n`).join('')
  const signedHeaders = parts.headers.map(([name]) => name).join(';')
  return [parts.method, parts.canonicalUri, parts.canonicalQuery, headerLines, signedHeaders, parts.payloadHash]
    .join('\n')
}

/** `yyyyMMdd/region/service/aws4_request`. */
export function credentialScope (date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SIGV4_TERMINATOR}`
}

export function stringToSign (amzDate: string, scope: string, canonicalRequestText: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`
}

/** HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request". */
export function deriveSigningKey (secretAccessKey: string, date: string, region: string, service: string): Buffer {
  let key = hmac(`AWS4${secretAccessKey}`, date)
  key = hmac(key, region)
  key = hmac(key, service)
  return hmac(key, SIGV4_TERMINATOR)
}

/** Hex HMAC-SHA256 of the string to sign under the signing key: the SigV4 signature. */
export function signatureHex (signingKey: Buffer, stringToSignText: string): string {
  return createHmac('sha256', signingKey).update(stringToSignText, 'utf8').digest('hex')
}

export function sha256Hex (data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Compares two strings without leaking where they differ; a length difference returns false at once. */
export function timingSafeEqualString (a: string, b: string): boolean {
  const bytesA = Buffer.from(a, 'utf8')
  const bytesB = Buffer.from(b, 'utf8')
  return bytesA.length === bytesB.length && timingSafeEqual(bytesA, bytesB)
}

/** Milliseconds since the epoch of an `X-Amz-Date` (`yyyyMMdd'T'HHmmss'Z'`), or undefined if invalid. */
export function parseAmzDate (value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (match === null) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as
    [number, number, number, number, number, number]
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(ms)
  // Date.UTC rolls 20250230 over to March; a real timestamp survives the round trip.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute || date.getUTCSeconds() !== second) return undefined
  return ms
}

function hmac (key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}
