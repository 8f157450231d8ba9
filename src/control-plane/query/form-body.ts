// AWS query-protocol parameters from an `application/x-www-form-urlencoded` body (or a GET query
// string): `Action=CreateUser&Version=2010-05-08&UserName=alice`, `+` for a space, percent-encoded
// UTF-8. Sizes are bounded before anything is decoded, and a repeated name is refused.
import { QueryError } from './query-errors.ts'

/** Far above any IAM request (a managed policy is at most 6144 characters before encoding). */
export const MAX_QUERY_BODY_BYTES = 256 * 1024
export const MAX_QUERY_PARAMETERS = 1000
const MAX_NAME_LENGTH = 256

export function parseFormParameters (body: Uint8Array | string): Map<string, string> {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  if (length > MAX_QUERY_BODY_BYTES) {
    throw new QueryError('MalformedQueryString', 400, `The request body is ${length} bytes, more than the ${MAX_QUERY_BODY_BYTES} allowed`)
  }
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
  const parameters = new Map<string, string>()
  for (const piece of text.split('&')) {
    if (piece === '') continue
    if (parameters.size === MAX_QUERY_PARAMETERS) {
      throw new QueryError('MalformedQueryString', 400, `The request has more than ${MAX_QUERY_PARAMETERS} parameters`)
    }
    const equals = piece.indexOf('=')
    const name = decode(equals === -1 ? piece : piece.slice(0, equals))
    const value = equals === -1 ? '' : decode(piece.slice(equals + 1))
    if (name.length > MAX_NAME_LENGTH) throw new QueryError('MalformedQueryString', 400, `A parameter name is longer than ${MAX_NAME_LENGTH} characters`)
    if (parameters.has(name)) throw new QueryError('MalformedQueryString', 400, `The parameter ${name} appears more than once`)
    parameters.set(name, value)
  }
  return parameters
}

function decode (text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    throw new QueryError('MalformedQueryString', 400, `The request has invalid percent-encoding near '${text.slice(0, 40)}'`)
  }
}
