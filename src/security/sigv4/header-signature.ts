// Verifies an HTTP request signed with a SigV4 Authorization header (spec 6.5), as the AWS CLI and
// SDKs sign control-plane calls (services kafka, iam, sts, monitoring).
import type { Clock } from '../../common/clock.ts'
import { systemClock } from '../../common/clock.ts'
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAmzDate,
  sha256Hex,
  SIGV4_ALGORITHM
} from './sigv4.ts'
import type { CredentialLookup, SigV4Refused, SigV4Verification } from './verification.ts'
import { checkSignatureAndCredential, parseCredentialScope, refuse, verified } from './verification.ts'

export const DEFAULT_HEADER_MAX_CLOCK_SKEW_MS = 15 * 60_000
const MAX_AUTHORIZATION_LENGTH = 4096
const MAX_SIGNED_HEADERS = 64
const MAX_QUERY_LENGTH = 16384
const MAX_QUERY_PARAMETERS = 256

export interface SignedHttpRequest {
  method: string
  /** The raw path as sent, still percent-encoded (`/api/v2/clusters/arn%3Aaws%3A...`), without the query. */
  path: string
  /** The raw query string as sent, without the `?`; empty when there is none. */
  query: string
  /**
   * Request headers, any name case. Give repeated headers as arrays (Node's `req.headersDistinct`):
   * `req.headers` joins most repeats with ", ", which SigV4 signs as ",".
   */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>
  body: Uint8Array
}

export interface HeaderSignatureOptions<Principal = unknown> {
  /** Signing names this endpoint answers for, e.g. ['kafka'] or ['monitoring']. */
  services: readonly string[]
  /** When set, the credential scope must name this region. */
  region?: string
  lookup: CredentialLookup<Principal>
  clock?: Clock
  /** How far X-Amz-Date may be from the server's time, either way; default 15 minutes as AWS. */
  maxClockSkewMs?: number
}

interface AuthorizationHeader {
  credential: string
  signedHeaders: string[]
  signature: string
}

export async function verifyHeaderSignature<Principal> (
  request: SignedHttpRequest,
  options: HeaderSignatureOptions<Principal>
): Promise<SigV4Verification<Principal>> {
  const headers = collectHeaders(request.headers)
  const authorizationValues = headers.get('authorization')
  if (authorizationValues === undefined) return refuse('missing-authorization', 'the request has no Authorization header')
  if (authorizationValues.length !== 1) return refuse('malformed', 'the request has more than one Authorization header')
  const authorization = parseAuthorization(authorizationValues[0] ?? '')
  if ('ok' in authorization) return authorization

  const amzDate = singleHeader(headers, 'x-amz-date')
  if (amzDate === undefined) return refuse('malformed', 'the request has no single X-Amz-Date header')
  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return refuse('malformed', 'X-Amz-Date is not a yyyyMMddTHHmmssZ timestamp')
  const scope = parseCredentialScope(authorization.credential, amzDate)
  if ('ok' in scope) return scope
  if (!options.services.includes(scope.service)) {
    return refuse('wrong-service', `signed for service ${scope.service}, this endpoint serves ${options.services.join(', ')}`)
  }
  if (options.region !== undefined && scope.region !== options.region) {
    return refuse('wrong-region', `signed for region ${scope.region}, this endpoint is in ${options.region}`)
  }
  if (!authorization.signedHeaders.includes('host')) return refuse('malformed', 'SignedHeaders must include host')
  if (!authorization.signedHeaders.includes('x-amz-date')) return refuse('malformed', 'SignedHeaders must include x-amz-date')

  const clock = options.clock ?? systemClock
  const maxSkewMs = options.maxClockSkewMs ?? DEFAULT_HEADER_MAX_CLOCK_SKEW_MS
  const nowMs = clock.nowMs()
  if (signedAtMs < nowMs - maxSkewMs) return refuse('expired', `signed at ${amzDate}, more than ${maxSkewMs} ms ago`)
  if (signedAtMs > nowMs + maxSkewMs) return refuse('not-yet-valid', `signed at ${amzDate}, more than ${maxSkewMs} ms in the future`)

  const payloadHash = bodyHash(headers, request.body)
  if (typeof payloadHash !== 'string') return payloadHash
  const canonicalHeaders: Array<[string, string]> = []
  for (const name of authorization.signedHeaders) {
    const values = headers.get(name)
    if (values === undefined) return refuse('malformed', `the signed header ${name} is missing`)
    canonicalHeaders.push([name, values.map(canonicalHeaderValue).join(',')])
  }
  const query = parseQuery(request.query)
  if (typeof query === 'string') return refuse('malformed', query)
  let canonical: string
  try {
    canonical = canonicalRequest({
      method: request.method.toUpperCase(),
      canonicalUri: canonicalUri(request.path),
      canonicalQuery: canonicalQuery(query),
      headers: canonicalHeaders,
      payloadHash
    })
  } catch {
    return refuse('malformed', 'the path or query is not valid Unicode')
  }

  const found = await options.lookup(scope.accessKeyId)
  if (found === undefined) return refuse('unknown-key', `unknown access key ${scope.accessKeyId}`)
  const sessionTokens = headers.get('x-amz-security-token')
  if (sessionTokens !== undefined && sessionTokens.length !== 1) return refuse('malformed', 'the request has more than one X-Amz-Security-Token header')
  const refused = checkSignatureAndCredential({
    scope,
    amzDate,
    canonicalRequest: canonical,
    signature: authorization.signature,
    sessionToken: sessionTokens?.[0],
    credential: found,
    nowMs: clock.nowMs()
  })
  if (refused !== undefined) return refused
  // Replaying the same signature is refused from signedAtMs + maxSkewMs on.
  return verified(scope, found, signedAtMs, signedAtMs + maxSkewMs)
}

/** Lower-case name -> values in the order received. */
function collectHeaders (headers: SignedHttpRequest['headers']): Map<string, string[]> {
  const collected = new Map<string, string[]>()
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const key = name.toLowerCase()
    const values = collected.get(key) ?? []
    if (typeof value === 'string') values.push(value)
    else values.push(...value)
    collected.set(key, values)
  }
  return collected
}

function singleHeader (headers: Map<string, string[]>, name: string): string | undefined {
  const values = headers.get(name)
  return values?.length === 1 ? values[0]?.trim() : undefined
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=<hex>`. */
function parseAuthorization (value: string): AuthorizationHeader | SigV4Refused {
  if (value.length > MAX_AUTHORIZATION_LENGTH) return refuse('malformed', 'the Authorization header is too long')
  const trimmed = value.trim()
  const space = trimmed.indexOf(' ')
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space)
  if (algorithm !== SIGV4_ALGORITHM) return refuse('malformed', `the Authorization scheme is not ${SIGV4_ALGORITHM}`)
  const fields = new Map<string, string>()
  for (const component of trimmed.slice(space + 1).split(',')) {
    const equals = component.indexOf('=')
    if (equals === -1) return refuse('malformed', 'an Authorization component is not key=value')
    const key = component.slice(0, equals).trim()
    if (fields.has(key)) return refuse('malformed', `the Authorization header repeats ${key.slice(0, 32)}`)
    fields.set(key, component.slice(equals + 1).trim())
  }
  const credential = fields.get('Credential')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (credential === undefined || signedHeaders === undefined || signature === undefined || fields.size !== 3) {
    return refuse('malformed', 'the Authorization header needs exactly Credential, SignedHeaders and Signature')
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return refuse('malformed', 'the Authorization Signature is not 64 lower-case hex digits')
  const names = signedHeaders.split(';')
  if (names.length > MAX_SIGNED_HEADERS) return refuse('malformed', 'the Authorization header signs too many headers')
  for (let index = 0; index < names.length; index++) {
    const name = names[index] ?? ''
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return refuse('malformed', 'SignedHeaders has an invalid header name')
    // Sorted and unique, as every signer writes them; the canonical headers follow this order.
    if (index > 0 && name <= (names[index - 1] ?? '')) return refuse('malformed', 'SignedHeaders is not sorted and unique')
  }
  return { credential, signedHeaders: names, signature }
}

/** `x-amz-content-sha256` when sent (and it must be the body's), else the body's SHA-256. */
function bodyHash (headers: Map<string, string[]>, body: Uint8Array): string | SigV4Refused {
  const actual = sha256Hex(body)
  const declared = headers.get('x-amz-content-sha256')
  if (declared === undefined) return actual
  if (declared.length !== 1) return refuse('malformed', 'the request has more than one X-Amz-Content-SHA256 header')
  const value = declared[0]?.trim() ?? ''
  if (!/^[0-9a-f]{64}$/.test(value)) return refuse('malformed', 'X-Amz-Content-SHA256 must be the hex SHA-256 of the body')
  if (value !== actual) return refuse('bad-payload-hash', 'X-Amz-Content-SHA256 does not match the body')
  return value
}

/** Raw query -> decoded pairs, or an error message. `+` stays a plus, as the AWS signers write %20 for a space. */
function parseQuery (rawQuery: string): Array<[string, string]> | string {
  if (rawQuery.length > MAX_QUERY_LENGTH) return `the query is longer than ${MAX_QUERY_LENGTH} characters`
  const pairs: Array<[string, string]> = []
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    if (pairs.length === MAX_QUERY_PARAMETERS) return `the query has more than ${MAX_QUERY_PARAMETERS} parameters`
    const equals = piece.indexOf('=')
    try {
      pairs.push(equals === -1
        ? [decodeURIComponent(piece), '']
        : [decodeURIComponent(piece.slice(0, equals)), decodeURIComponent(piece.slice(equals + 1))])
    } catch {
      return 'the query has invalid percent-encoding'
    }
  }
  return pairs
}
