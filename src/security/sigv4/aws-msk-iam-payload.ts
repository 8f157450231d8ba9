// The AWS_MSK_IAM SASL mechanism (spec 3.1-3.3): the client-first JSON payload of Java's
// aws-msk-iam-auth and the kafkajs plugin, its verification, and the success response bytes.
import type { PresignedConnectOptions } from './presigned-connect.ts'
import { verifyPresignedConnect } from './presigned-connect.ts'
import type { SigV4Refused, SigV4Verification } from './verification.ts'
import { refuse } from './verification.ts'

export const AWS_MSK_IAM_VERSION = '2020_10_22'
/** Real payloads are about 450 bytes, 1,000 with a session token. */
export const MAX_AWS_MSK_IAM_PAYLOAD_BYTES = 8192
const MAX_FIELD_COUNT = 32
const MAX_HOST_LENGTH = 253

/** Payload keys (lower case, as sent) of the signed query parameters, with their SigV4 names. */
const SIGNED_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['action', 'Action'],
  ['x-amz-algorithm', 'X-Amz-Algorithm'],
  ['x-amz-credential', 'X-Amz-Credential'],
  ['x-amz-date', 'X-Amz-Date'],
  ['x-amz-expires', 'X-Amz-Expires'],
  ['x-amz-security-token', 'X-Amz-Security-Token'],
  ['x-amz-signedheaders', 'X-Amz-SignedHeaders']
]

export interface AwsMskIamPayload {
  version: string
  /** The broker host the client connected to, as it knows it; the signed `host` header. */
  host: string
  userAgent: string | undefined
  /** The signed query parameters under their SigV4 names (`Action`, `X-Amz-Date`, ...). */
  signedParameters: ReadonlyMap<string, string>
  signature: string
}

export interface AwsMskIamVerifyOptions<Principal = unknown> extends PresignedConnectOptions<Principal> {
  /** Host names this cluster answers to (bootstrap and advertised); when given, `host` must be one. */
  allowedHosts?: readonly string[]
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function parseAwsMskIamPayload (authBytes: Uint8Array): { ok: true, payload: AwsMskIamPayload } | SigV4Refused {
  if (authBytes.length > MAX_AWS_MSK_IAM_PAYLOAD_BYTES) {
    return refuse('malformed', `the AWS_MSK_IAM payload is longer than ${MAX_AWS_MSK_IAM_PAYLOAD_BYTES} bytes`)
  }
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(authBytes))
  } catch {
    return refuse('malformed', 'the AWS_MSK_IAM payload is not UTF-8 JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse('malformed', 'the AWS_MSK_IAM payload is not a JSON object')
  }
  const fields = new Map<string, string>()
  const entries = Object.entries(json)
  if (entries.length > MAX_FIELD_COUNT) return refuse('malformed', 'the AWS_MSK_IAM payload has too many fields')
  for (const [key, value] of entries) {
    if (typeof value !== 'string') return refuse('malformed', `the AWS_MSK_IAM field ${JSON.stringify(key.slice(0, 64))} is not a string`)
    fields.set(key, value)
  }
  const version = fields.get('version')
  const host = fields.get('host')
  const signature = fields.get('x-amz-signature')
  if (version === undefined) return refuse('malformed', 'the AWS_MSK_IAM payload has no version')
  if (host === undefined || host === '') return refuse('malformed', 'the AWS_MSK_IAM payload has no host')
  if (host.length > MAX_HOST_LENGTH || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) {
    return refuse('malformed', 'the AWS_MSK_IAM payload has an invalid host')
  }
  if (signature === undefined) return refuse('malformed', 'the AWS_MSK_IAM payload has no x-amz-signature')
  const signedParameters = new Map<string, string>()
  for (const [key, name] of SIGNED_FIELDS) {
    const value = fields.get(key)
    if (value !== undefined) signedParameters.set(name, value)
  }
  return { ok: true, payload: { version, host, userAgent: fields.get('user-agent'), signedParameters, signature } }
}

/** Verifies an AWS_MSK_IAM client-first payload for a cluster in `options.region`. */
export async function verifyAwsMskIamPayload<Principal> (
  authBytes: Uint8Array,
  options: AwsMskIamVerifyOptions<Principal>
): Promise<SigV4Verification<Principal>> {
  const parsed = parseAwsMskIamPayload(authBytes)
  if (!parsed.ok) return parsed
  const { payload } = parsed
  if (payload.version !== AWS_MSK_IAM_VERSION) {
    return refuse('unsupported-version', `AWS_MSK_IAM version ${JSON.stringify(payload.version.slice(0, 32))} is not ${AWS_MSK_IAM_VERSION}`)
  }
  if (options.allowedHosts !== undefined) {
    const host = payload.host.toLowerCase()
    if (!options.allowedHosts.some(allowed => allowed.toLowerCase() === host)) {
      return refuse('wrong-host', `the payload was signed for host ${payload.host}, which this cluster does not serve`)
    }
  }
  return await verifyPresignedConnect(
    { host: payload.host, signedParameters: payload.signedParameters, signature: payload.signature },
    options
  )
}

/** The success `auth_bytes`: `{"version":"2020_10_22","request-id":"<uuid>"}`; clients need it non-empty. */
export function awsMskIamSuccessResponse (requestId: string): Buffer {
  return Buffer.from(JSON.stringify({ version: AWS_MSK_IAM_VERSION, 'request-id': requestId }), 'utf8')
}
