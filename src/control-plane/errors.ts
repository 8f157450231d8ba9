// The one place where control-plane failures become AWS restJson1 errors (spec 6.3): the type in
// the x-amzn-ErrorType header and as __type in the body, the HTTP status, and a body with `message`
// (and `invalidParameter` when one parameter is at fault), which the AWS CLI and SDKs print as
// "An error occurred (NotFoundException) when calling the DescribeClusterV2 operation: <message>".
import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { ServiceError } from '../common/errors.ts'

export type AwsErrorType =
  | 'BadRequestException'
  | 'UnauthorizedException'
  | 'ForbiddenException'
  | 'NotFoundException'
  | 'ConflictException'
  | 'TooManyRequestsException'
  | 'InternalServerErrorException'
  | 'ServiceUnavailableException'

export const AWS_ERROR_STATUS: Readonly<Record<AwsErrorType, number>> = Object.freeze({
  BadRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
  ServiceUnavailableException: 503
})

/** A refusal the client gets as this AWS error type; thrown by operations, rendered by sendAwsError. */
export class ControlPlaneError extends Error {
  readonly type: AwsErrorType
  readonly invalidParameter: string | undefined

  constructor (type: AwsErrorType, message: string, invalidParameter?: string) {
    super(message)
    this.name = 'ControlPlaneError'
    this.type = type
    this.invalidParameter = invalidParameter
  }

  get statusCode (): number {
    return AWS_ERROR_STATUS[this.type]
  }
}

export function badRequest (message: string, invalidParameter?: string): ControlPlaneError {
  return new ControlPlaneError('BadRequestException', message, invalidParameter)
}

export function notFound (message: string, invalidParameter?: string): ControlPlaneError {
  return new ControlPlaneError('NotFoundException', message, invalidParameter)
}

export function conflict (message: string, invalidParameter?: string): ControlPlaneError {
  return new ControlPlaneError('ConflictException', message, invalidParameter)
}

/** ServiceError codes that are the client's business, with the AWS error they become. */
const SERVICE_ERRORS: Readonly<Record<string, AwsErrorType>> = {
  CLUSTER_NAME_TAKEN: 'ConflictException',
  IAM_POLICY_MALFORMED: 'BadRequestException',
  IAM_POLICY_TOO_LARGE: 'BadRequestException',
  STORAGE_CLOSED: 'ServiceUnavailableException'
}

/** Any error as the AWS error the client gets; `isInternal` marks Skiff's own failures, which deserve an error log. */
export function toControlPlaneError (error: unknown): { error: ControlPlaneError, isInternal: boolean } {
  if (error instanceof ControlPlaneError) return { error, isInternal: error.statusCode >= 500 }
  if (error instanceof ServiceError) {
    const type = SERVICE_ERRORS[error.code]
    if (type !== undefined) return { error: new ControlPlaneError(type, error.message), isInternal: AWS_ERROR_STATUS[type] >= 500 }
  }
  // Internal details stay in the log; the client gets a request id to quote.
  return { error: new ControlPlaneError('InternalServerErrorException', 'Skiff failed to process the request; the node log has the details'), isInternal: true }
}

/** Sends the error in the AWS form (spec 6.3). */
export function sendAwsError (reply: FastifyReply, error: ControlPlaneError): FastifyReply {
  const body: Record<string, string> = { __type: error.type, message: error.message }
  if (error.invalidParameter !== undefined) body.invalidParameter = error.invalidParameter
  return reply
    .code(error.statusCode)
    .header('content-type', 'application/json')
    .header('x-amzn-ErrorType', `${error.type}:http://internal.amazon.com/coral/com.amazonaws.kafka/`)
    // A Buffer, so that no charset is added to the content type AWS sends bare.
    .send(Buffer.from(JSON.stringify(body)))
}

export function newRequestId (): string {
  return randomUUID()
}
