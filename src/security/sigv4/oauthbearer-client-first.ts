// The SASL/OAUTHBEARER client-first message (RFC 7628, Kafka's OAuthBearerClientInitialResponse
// grammar): `n,[a=authzid],\x01auth=Bearer <token>\x01[key=value\x01...]\x01`, and its verification
// as an MSK IAM token (spec 2.4).
import { MAX_MSK_IAM_TOKEN_LENGTH, verifyMskIamToken } from './msk-iam-token.ts'
import type { PresignedConnectOptions } from './presigned-connect.ts'
import type { SigV4Refused, SigV4Verification } from './verification.ts'
import { refuse } from './verification.ts'

/** The token limit plus room for the GS2 header, an authzid and a few extensions. */
export const MAX_OAUTHBEARER_MESSAGE_BYTES = MAX_MSK_IAM_TOKEN_LENGTH + 4096
const MAX_EXTENSIONS = 16
const SEPARATOR = '\x01'

export interface OAuthBearerClientFirst {
  token: string
  /** The authzid of the GS2 header, when the client sent one. */
  authorizationId: string | undefined
  /** SASL extensions other than `auth`; MSK clients send none. */
  extensions: ReadonlyMap<string, string>
}

export function parseOAuthBearerClientFirst (authBytes: Uint8Array): { ok: true, message: OAuthBearerClientFirst } | SigV4Refused {
  if (authBytes.length > MAX_OAUTHBEARER_MESSAGE_BYTES) {
    return refuse('malformed', `the OAUTHBEARER message is longer than ${MAX_OAUTHBEARER_MESSAGE_BYTES} bytes`)
  }
  // Kafka's grammar is ASCII only (SASLNAME is \x01-\x7F, values \x21-\x7E and whitespace).
  if (authBytes.some(byte => byte >= 0x80 || byte === 0)) return refuse('malformed', 'the OAUTHBEARER message is not ASCII')
  const text = Buffer.from(authBytes).toString('latin1')

  if (!text.startsWith('n,')) return refuse('malformed', 'the OAUTHBEARER message does not start with the GS2 header "n,"')
  const headerEnd = text.indexOf(',', 2)
  if (headerEnd === -1) return refuse('malformed', 'the OAUTHBEARER GS2 header is not closed by ","')
  // kafkajs writes a stray quote before the authzid: `n,"a=<id>,`.
  const authzidField = text.slice(2, headerEnd).replace(/^"/, '')
  let authorizationId: string | undefined
  if (authzidField !== '') {
    if (!authzidField.startsWith('a=')) return refuse('malformed', 'the OAUTHBEARER GS2 header has an unknown field')
    const saslName = authzidField.slice(2)
    if (!/^([^=]|=2C|=3D)+$/.test(saslName)) return refuse('malformed', 'the OAUTHBEARER authzid is not a SASL name')
    authorizationId = saslName.replace(/=2C/g, ',').replace(/=3D/g, '=')
  }

  // After the header: \x01 (key=value \x01)* \x01
  const body = text.slice(headerEnd + 1)
  if (!body.startsWith(SEPARATOR) || !body.endsWith(SEPARATOR + SEPARATOR) || body.length < 3) {
    return refuse('malformed', 'the OAUTHBEARER key/value list is not framed by \\x01 ... \\x01\\x01')
  }
  const pairs = body.slice(1, -2).split(SEPARATOR)
  if (pairs.length > MAX_EXTENSIONS + 1) return refuse('malformed', 'the OAUTHBEARER message has too many key/value pairs')
  let auth: string | undefined
  const extensions = new Map<string, string>()
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=([\x21-\x7E \t\r\n]+)$/.exec(pair)
    if (match === null) return refuse('malformed', 'the OAUTHBEARER message has an invalid key/value pair')
    const [, key = '', value = ''] = match
    if (key === 'auth') {
      if (auth !== undefined) return refuse('malformed', 'the OAUTHBEARER message repeats auth')
      auth = value
    } else {
      if (extensions.has(key)) return refuse('malformed', `the OAUTHBEARER message repeats the extension ${key}`)
      extensions.set(key, value)
    }
  }
  if (auth === undefined) return refuse('malformed', 'the OAUTHBEARER message has no auth=Bearer <token>')
  // Kafka's token grammar is [-_.a-zA-Z0-9]+; trailing = padding is tolerated for base64url tokens.
  const authMatch = /^(\w+) +([-_.a-zA-Z0-9]+=*)$/.exec(auth)
  if (authMatch === null || authMatch[1]?.toLowerCase() !== 'bearer') {
    return refuse('malformed', 'the OAUTHBEARER auth value is not "Bearer <token>"')
  }
  return { ok: true, message: { token: authMatch[2] ?? '', authorizationId, extensions } }
}

/**
 * Parses a client-first message and verifies its token. The authzid is ignored: MSK clients leave
 * it empty and the principal comes from the access key.
 */
export async function verifyOAuthBearerClientFirst<Principal> (
  authBytes: Uint8Array,
  options: PresignedConnectOptions<Principal>
): Promise<SigV4Verification<Principal>> {
  const parsed = parseOAuthBearerClientFirst(authBytes)
  if (!parsed.ok) return parsed
  return await verifyMskIamToken(parsed.message.token, options)
}
