// The refusals of the Catalog's IAM half (catalog-identities.ts), shared by every backend so that
// each one answers with the same codes the IAM API maps onto EntityAlreadyExists, NoSuchEntity,
// DeleteConflict and LimitExceeded.
import { ServiceError } from '../common/errors.ts'

export function exists (message: string): ServiceError {
  return new ServiceError('IAM_ENTITY_EXISTS', message)
}

export function noSuchEntity (message: string): ServiceError {
  return new ServiceError('IAM_NO_SUCH_ENTITY', message)
}

export function deleteConflict (message: string): ServiceError {
  return new ServiceError('IAM_DELETE_CONFLICT', message)
}

export function limitExceeded (message: string): ServiceError {
  return new ServiceError('IAM_LIMIT_EXCEEDED', message)
}
