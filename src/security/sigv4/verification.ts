// What every SigV4 verifier shares: the injected credential lookup, the result union with
// machine-readable failure reasons, and the steps common to presigned and header-signed requests
// (credential scope, signature, session token, credential expiry).
import {
  credentialScope,
  deriveSigningKey,
  signatureHex,
  stringToSign,
  SIGV4_TERMINATOR,
  timingSafeEqualString
} from './sigv4.ts'

export interface SigV4Credential<Principal = unknown> {
  secretAccessKey: string
  /** Set for temporary credentials: a request must then carry exactly this token. */
  sessionToken?: string
  /** When temporary credentials stop being valid, in ms since the epoch. */
  expiresAtMs?: number
  /** The identity that owns the key, handed back on success. */
  principal: Principal
}

/**
 * Finds the secret of an access key id; undefined when the key is unknown. A rejected promise is a
 * storage failure, not a refusal, and propagates to the caller.
 */
export type CredentialLookup<Principal = unknown> =
  (accessKeyId: string) => Promise<SigV4Credential<Principal> | undefined>

export type SigV4FailureReason =
  | 'malformed'
  | 'missing-authorization'
  | 'unsupported-version'
  | 'wrong-action'
  | 'wrong-service'
  | 'wrong-region'
  | 'wrong-host'
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-key'
  | 'bad-signature'
  | 'bad-payload-hash'
  | 'bad-session-token'
  | 'credentials-expired'

export interface SigV4Verified<Principal = unknown> {
  ok: true
  accessKeyId: string
  principal: Principal
  region: string
  service: string
  signedAtMs: number
  /** When this authentication stops being valid: the earlier of the signature's and the credentials' expiry. */
  expiresAtMs: number
}

export interface SigV4Refused {
  ok: false
  reason: SigV4FailureReason
  /** For logs: never contains the secret, the session token or the full signature. */
  message: string
}

export type SigV4Verification<Principal = unknown> = SigV4Verified<Principal> | SigV4Refused

export function refuse (reason: SigV4FailureReason, message: string): SigV4Refused {
  return { ok: false, reason, message }
}

/** A verified signature's result: valid until the earlier of `signatureExpiresAtMs` and the credential's own expiry. */
export function verified<Principal> (
  scope: CredentialScopeParts, credential: SigV4Credential<Principal>, signedAtMs: number, signatureExpiresAtMs: number
): SigV4Verified<Principal> {
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    principal: credential.principal,
    region: scope.region,
    service: scope.service,
    signedAtMs,
    expiresAtMs: Math.min(signatureExpiresAtMs, credential.expiresAtMs ?? Number.POSITIVE_INFINITY)
  }
}

export interface CredentialScopeParts {
  accessKeyId: string
  date: string
  region: string
  service: string
}

const MAX_ACCESS_KEY_ID_LENGTH = 128

/** Splits `<accessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request`; the date must be the X-Amz-Date's. */
export function parseCredentialScope (credential: string, amzDate: string): CredentialScopeParts | SigV4Refused {
  const parts = credential.split('/')
  if (parts.length !== 5) return refuse('malformed', 'the credential is not <key>/<date>/<region>/<service>/aws4_request')
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string]
  if (!/^\w+$/.test(accessKeyId) || accessKeyId.length > MAX_ACCESS_KEY_ID_LENGTH) {
    return refuse('malformed', 'the credential has an invalid access key id')
  }
  if (terminator !== SIGV4_TERMINATOR) return refuse('malformed', 'the credential scope does not end in aws4_request')
  if (date !== amzDate.slice(0, 8)) return refuse('malformed', `the credential date ${date} is not the X-Amz-Date's day`)
  if (!/^[a-z0-9-]{1,64}$/.test(region)) return refuse('malformed', 'the credential has an invalid region')
  if (!/^[a-z0-9-]{1,64}$/.test(service)) return refuse('malformed', 'the credential has an invalid service')
  return { accessKeyId, date, region, service }
}

export interface SignatureCheck<Principal> {
  scope: CredentialScopeParts
  amzDate: string
  canonicalRequest: string
  /** The signature the client sent: 64 lower-case hex characters, checked by the caller. */
  signature: string
  /** The session token the client sent, if any. */
  sessionToken: string | undefined
  credential: SigV4Credential<Principal>
  nowMs: number
}

/**
 * Signature first, so only a holder of the secret learns anything about the session token or the
 * credentials' expiry; then the session token must match a temporary key, and be absent for a
 * long-term one.
 */
export function checkSignatureAndCredential<Principal> (check: SignatureCheck<Principal>): SigV4Refused | undefined {
  const { scope, credential } = check
  const signingKey = deriveSigningKey(credential.secretAccessKey, scope.date, scope.region, scope.service)
  const expected = signatureHex(
    signingKey,
    stringToSign(check.amzDate, credentialScope(scope.date, scope.region, scope.service), check.canonicalRequest)
  )
  if (!timingSafeEqualString(expected, check.signature)) {
    return refuse('bad-signature', `signature ${check.signature.slice(0, 8)}... does not match for access key ${scope.accessKeyId}`)
  }
  if (credential.sessionToken === undefined) {
    if (check.sessionToken !== undefined) {
      return refuse('bad-session-token', `access key ${scope.accessKeyId} is a long-term key but the request carries a session token`)
    }
  } else if (check.sessionToken === undefined) {
    return refuse('bad-session-token', `access key ${scope.accessKeyId} is temporary and the request carries no session token`)
  } else if (!timingSafeEqualString(credential.sessionToken, check.sessionToken)) {
    return refuse('bad-session-token', `the session token does not belong to access key ${scope.accessKeyId}`)
  }
  if (credential.expiresAtMs !== undefined && check.nowMs >= credential.expiresAtMs) {
    return refuse('credentials-expired', `the credentials of access key ${scope.accessKeyId} expired at ${new Date(credential.expiresAtMs).toISOString()}`)
  }
  return undefined
}
