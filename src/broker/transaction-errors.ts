// Kafka's answer to a fenced transactional producer depends on the request version: PRODUCER_FENCED
// (KIP-588) from the version that introduced it, INVALID_PRODUCER_EPOCH before, which older clients
// know. The transaction handlers map the coordinator's errors through here.
import { ErrorCode } from '../protocol/error-codes.ts'

export function transactionErrorFor (errorCode: number, apiVersion: number, fencedSince: number): number {
  if (errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < fencedSince) return ErrorCode.INVALID_PRODUCER_EPOCH
  return errorCode
}
