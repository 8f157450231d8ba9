// The errors of the IAM and STS query APIs as the AWS CLI and SDKs read them: an error code, its
// HTTP status and whose fault it is, mapped in one place from the identity layer's ServiceErrors
// and from SigV4 refusals.
import { ServiceError } from '../../common/errors.ts'
import type { SigV4Refused } from '../../security/sigv4/verification.ts'

export type QueryErrorType = 'Sender' | 'Receiver'

/** An answer `<ErrorResponse><Error><Type/><Code/><Message/></Error>...` with `statusCode`. */
export class QueryError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly type: QueryErrorType

  constructor (code: string, statusCode: number, message: string, type: QueryErrorType = statusCode >= 500 ? 'Receiver' : 'Sender') {
    super(message)
    this.name = 'QueryError'
    this.code = code
    this.statusCode = statusCode
    this.type = type
  }
}

/** ServiceError code -> IAM error code and status (the IAM API model's). */
const SERVICE_ERRORS: Readonly<Record<string, [string, number]>> = {
  IAM_ENTITY_EXISTS: ['EntityAlreadyExists', 409],
  IAM_NO_SUCH_ENTITY: ['NoSuchEntity', 404],
  IAM_DELETE_CONFLICT: ['DeleteConflict', 409],
  IAM_LIMIT_EXCEEDED: ['LimitExceeded', 409],
  IAM_POLICY_TOO_LARGE: ['LimitExceeded', 409],
  IAM_POLICY_MALFORMED: ['MalformedPolicyDocument', 400],
  IAM_INVALID_INPUT: ['ValidationError', 400],
  IAM_ACCESS_DENIED: ['AccessDenied', 403]
}

/** The query answer for an error an operation threw, or undefined when it is not a refusal (a fault to log). */
export function queryErrorFor (error: unknown): QueryError | undefined {
  if (error instanceof QueryError) return error
  if (!(error instanceof ServiceError)) return undefined
  const mapped = SERVICE_ERRORS[error.code]
  return mapped === undefined ? undefined : new QueryError(mapped[0], mapped[1], error.message)
}

export function validationError (message: string): QueryError {
  return new QueryError('ValidationError', 400, message)
}

/** AWS's wording when a required member is absent. */
export function missingParameter (name: string): QueryError {
  return validationError(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`)
}

const INVALID_TOKEN = 'The security token included in the request is invalid.'
const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/** The error AWS answers for a refused signature; the verifier's message is kept where it reveals nothing. */
export function authenticationError (refused: SigV4Refused, service: string): QueryError {
  switch (refused.reason) {
    case 'missing-authorization':
      return new QueryError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token')
    case 'unknown-key':
    case 'bad-session-token':
      return new QueryError('InvalidClientTokenId', 403, INVALID_TOKEN)
    case 'credentials-expired':
      return new QueryError('ExpiredToken', 403, 'The security token included in the request is expired')
    case 'bad-signature':
    case 'bad-payload-hash':
      return new QueryError('SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH)
    case 'wrong-service':
      return new QueryError('SignatureDoesNotMatch', 403, `Credential should be scoped to correct service: '${service}'. (${refused.message})`)
    case 'wrong-region':
      return new QueryError('SignatureDoesNotMatch', 403, `Credential should be scoped to a valid region. (${refused.message})`)
    case 'expired':
    case 'not-yet-valid':
      return new QueryError('RequestExpired', 403, `Request has expired or is not yet valid: ${refused.message}`)
    case 'malformed':
    case 'unsupported-version':
    case 'wrong-action':
    case 'wrong-host':
      return new QueryError('IncompleteSignature', 400, `The request signature does not conform to AWS standards: ${refused.message}`)
  }
}
