// Verifies a SigV4 presigned `GET https://<host>/?Action=kafka-cluster:Connect` (service
// kafka-cluster): the signature inside both an MSK IAM OAUTHBEARER token and an AWS_MSK_IAM payload
// (spec sections 2.3 and 3.1).
import type { Clock } from '../../common/clock.ts'
import { systemClock } from '../../common/clock.ts'
import { canonicalQuery, canonicalRequest, EMPTY_PAYLOAD_SHA256, parseAmzDate, SIGV4_ALGORITHM } from './sigv4.ts'
import type { CredentialLookup, SigV4Verification } from './verification.ts'
import { checkSignatureAndCredential, parseCredentialScope, refuse, verified } from './verification.ts'

export const MSK_IAM_SERVICE = 'kafka-cluster'
export const MSK_IAM_CONNECT_ACTION = 'kafka-cluster:Connect'
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000
/** SigV4's longest presigned lifetime, 7 days. */
const MAX_EXPIRES_SECONDS = 604_800

export interface PresignedConnectOptions<Principal = unknown> {
  /** The cluster's region: the credential scope must name it. */
  region: string
  lookup: CredentialLookup<Principal>
  clock?: Clock
  /** How far in the future a signing time may lie (client clock ahead); default 5 minutes. */
  maxClockSkewMs?: number
}

export interface PresignedConnect {
  /** The signed host header value, port included when the client wrote one. */
  host: string
  /** Every signed query parameter, decoded, with its SigV4 name (`Action`, `X-Amz-Date`, ...). */
  signedParameters: ReadonlyMap<string, string>
  signature: string
}

/** Runs spec 2.3 steps 3-10 on a presigned Connect request already taken apart by its container. */
export async function verifyPresignedConnect<Principal> (
  request: PresignedConnect,
  options: PresignedConnectOptions<Principal>
): Promise<SigV4Verification<Principal>> {
  const parameters = request.signedParameters
  const action = parameters.get('Action')
  if (action === undefined) return refuse('malformed', 'Action is missing')
  if (action !== MSK_IAM_CONNECT_ACTION) return refuse('wrong-action', `Action is ${JSON.stringify(action.slice(0, 64))}, not ${MSK_IAM_CONNECT_ACTION}`)
  const algorithm = parameters.get('X-Amz-Algorithm')
  if (algorithm !== SIGV4_ALGORITHM) return refuse('malformed', `X-Amz-Algorithm must be ${SIGV4_ALGORITHM}`)
  if (parameters.get('X-Amz-SignedHeaders') !== 'host') return refuse('malformed', 'X-Amz-SignedHeaders must be exactly "host"')
  const credential = parameters.get('X-Amz-Credential')
  const amzDate = parameters.get('X-Amz-Date')
  const expires = parameters.get('X-Amz-Expires')
  if (credential === undefined) return refuse('malformed', 'X-Amz-Credential is missing')
  if (amzDate === undefined) return refuse('malformed', 'X-Amz-Date is missing')
  if (expires === undefined) return refuse('malformed', 'X-Amz-Expires is missing')
  if (!/^[0-9a-f]{64}$/.test(request.signature)) return refuse('malformed', 'X-Amz-Signature is not 64 lower-case hex digits')

  const signedAtMs = parseAmzDate(amzDate)
  if (signedAtMs === undefined) return refuse('malformed', 'X-Amz-Date is not a yyyyMMddTHHmmssZ timestamp')
  const scope = parseCredentialScope(credential, amzDate)
  if ('ok' in scope) return scope
  if (scope.service !== MSK_IAM_SERVICE) return refuse('wrong-service', `signed for service ${scope.service}, not ${MSK_IAM_SERVICE}`)
  if (scope.region !== options.region) return refuse('wrong-region', `signed for region ${scope.region}, the cluster is in ${options.region}`)

  // The JS signer writes a credential-limited lifetime unrounded (e.g. 300.123), so parse a decimal.
  if (!/^\d{1,7}(\.\d{1,20})?$/.test(expires)) return refuse('malformed', 'X-Amz-Expires is not a number of seconds')
  const expiresSeconds = Number(expires)
  if (expiresSeconds <= 0 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    return refuse('malformed', `X-Amz-Expires ${expires} is outside 0-${MAX_EXPIRES_SECONDS} seconds`)
  }
  const nowMs = (options.clock ?? systemClock).nowMs()
  const signatureExpiresAtMs = signedAtMs + Math.floor(expiresSeconds * 1000)
  if (nowMs > signatureExpiresAtMs) return refuse('expired', `signed at ${amzDate}, expired ${nowMs - signatureExpiresAtMs} ms ago`)
  if (signedAtMs > nowMs + (options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS)) {
    return refuse('not-yet-valid', `signed at ${amzDate}, ${signedAtMs - nowMs} ms in the future`)
  }

  const found = await options.lookup(scope.accessKeyId)
  if (found === undefined) return refuse('unknown-key', `unknown access key ${scope.accessKeyId}`)

  let query: string
  try {
    query = canonicalQuery(parameters)
  } catch {
    return refuse('malformed', 'a query parameter is not valid Unicode')
  }
  const refused = checkSignatureAndCredential({
    scope,
    amzDate,
    canonicalRequest: canonicalRequest({
      method: 'GET',
      canonicalUri: '/',
      canonicalQuery: query,
      headers: [['host', request.host]],
      payloadHash: EMPTY_PAYLOAD_SHA256
    }),
    signature: request.signature,
    sessionToken: parameters.get('X-Amz-Security-Token'),
    credential: found,
    // Time moved on while the lookup ran.
    nowMs: (options.clock ?? systemClock).nowMs()
  })
  if (refused !== undefined) return refused
  return verified(scope, found, signedAtMs, signatureExpiresAtMs)
}
