// MSK IAM OAUTHBEARER tokens (spec 2.1-2.3): the base64url of a SigV4-presigned
// `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-...` URL, as made by
// the aws-msk-iam-sasl-signer libraries (JS, Python, Go, Java).
import type { PresignedConnectOptions } from './presigned-connect.ts'
import { verifyPresignedConnect } from './presigned-connect.ts'
import type { SigV4Refused, SigV4Verification } from './verification.ts'
import { refuse } from './verification.ts'

/** Real tokens are about 520 characters, 1,100 with a session token. */
export const MAX_MSK_IAM_TOKEN_LENGTH = 8192
const MAX_QUERY_PARAMETERS = 32

/** Query parameters that are not part of the signature: the result itself, and a tag added after signing. */
const UNSIGNED_PARAMETERS = new Set(['X-Amz-Signature', 'User-Agent'])

export interface DecodedMskIamToken {
  /** The URL authority as written, e.g. `kafka.us-east-1.amazonaws.com`. */
  host: string
  /** Every query parameter, decoded, in the order written. */
  parameters: ReadonlyMap<string, string>
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Base64url-decodes a token and takes its presigned URL apart (spec 2.3 steps 1-2). */
export function decodeMskIamToken (token: string): { ok: true, token: DecodedMskIamToken } | SigV4Refused {
  if (token.length > MAX_MSK_IAM_TOKEN_LENGTH) return refuse('malformed', `the token is longer than ${MAX_MSK_IAM_TOKEN_LENGTH} characters`)
  // Buffer's base64url decoder skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token) || token.length % 4 === 1 || token.length === 0) {
    return refuse('malformed', 'the token is not base64url')
  }
  let url: string
  try {
    url = utf8.decode(Buffer.from(token, 'base64url'))
  } catch {
    return refuse('malformed', 'the token does not decode to UTF-8')
  }
  const match = /^https:\/\/([^/?#]*)(\/?)\?([^#]*)$/i.exec(url)
  if (match === null) return refuse('malformed', 'the token is not an https URL with path / and a query')
  const [, host = '', , query = ''] = match
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) return refuse('malformed', 'the token URL has an invalid host')

  const parameters = new Map<string, string>()
  const pieces = query.split('&').filter(piece => piece !== '')
  if (pieces.length > MAX_QUERY_PARAMETERS) return refuse('malformed', `the token URL has more than ${MAX_QUERY_PARAMETERS} query parameters`)
  for (const piece of pieces) {
    const equals = piece.indexOf('=')
    const rawName = equals === -1 ? piece : piece.slice(0, equals)
    const rawValue = equals === -1 ? '' : piece.slice(equals + 1)
    let name: string
    let value: string
    try {
      // Percent-decoding only: the signers write a literal + as %2B, so + is never a space here.
      name = decodeURIComponent(rawName)
      value = decodeURIComponent(rawValue)
    } catch {
      return refuse('malformed', 'the token URL has invalid percent-encoding')
    }
    if (parameters.has(name)) return refuse('malformed', `the token URL repeats the query parameter ${JSON.stringify(name.slice(0, 64))}`)
    parameters.set(name, value)
  }
  return { ok: true, token: { host, parameters } }
}

/** Verifies an MSK IAM token for a cluster in `options.region` (spec 2.3, every step). */
export async function verifyMskIamToken<Principal> (
  token: string,
  options: PresignedConnectOptions<Principal>
): Promise<SigV4Verification<Principal>> {
  const decoded = decodeMskIamToken(token)
  if (!decoded.ok) return decoded
  const { host, parameters } = decoded.token
  const signature = parameters.get('X-Amz-Signature')
  if (signature === undefined) return refuse('malformed', 'X-Amz-Signature is missing')
  const signedParameters = new Map([...parameters].filter(([name]) => !UNSIGNED_PARAMETERS.has(name)))
  return await verifyPresignedConnect({ host, signedParameters, signature }, options)
}
