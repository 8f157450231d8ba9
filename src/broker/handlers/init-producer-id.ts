// InitProducerId (key 22), v0-5, for idempotent producers. Without a transactional id the
// producer gets a new id from the Catalog's deployment-wide sequence (unique across clusters and
// nodes) at epoch 0. From v3 a client may send the id and epoch it holds (KIP-360; librdkafka does
// after an error): the epoch is bumped when it is the current one, the current epoch is answered
// again when the client holds the one before the last bump (a retry whose answer was lost), and
// any other epoch is fenced: PRODUCER_FENCED from v4, INVALID_PRODUCER_EPOCH before, as Kafka
// answers. An id this cluster does not know (expired, or never handed out here) or an epoch at its
// limit gets a new id at epoch 0.
// Differs from Kafka, which gives an idempotent producer a new id on every call and reads the id
// and epoch only for transactional ids: bumping keeps one id per producer, and in-flight batches
// of the old epoch are refused with INVALID_PRODUCER_EPOCH instead of being taken as another
// producer's.
// With a transactional id the transaction coordinator answers: the id's producer id at a raised
// epoch, fencing older instances (and aborting a transaction they left open).
// On an IAM listener, checked first: a transactional id needs kafka-cluster:AlterTransactionalId
// on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), an idempotent producer WriteDataIdempotently on
// the cluster (CLUSTER_AUTHORIZATION_FAILED), as MSK documents.
import { InitProducerIdApi, type InitProducerIdResponse } from '../../protocol/messages/init-producer-id.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'
import { transactionErrorFor } from '../transaction-errors.ts'

function refusal (errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 }
}

export const initProducerIdHandler = defineHandler({
  api: InitProducerIdApi,
  versions: { min: 0, max: 5 },
  async handle (request, { services, clusterId, apiVersion, logger, clientId, access }) {
    const { catalog, clock } = services
    const transactionalId = request.transactionalId === '' ? null : request.transactionalId
    const denied = transactionalId !== null ? access.errorFor('transactional-id', transactionalId) : access.errorFor('cluster')
    if (denied !== 0) return refusal(denied)
    const hasProducerId = apiVersion >= 3 && request.producerId !== -1
    const hasEpoch = apiVersion >= 3 && request.producerEpoch !== -1
    if (hasProducerId !== hasEpoch) {
      // Kafka refuses an id without an epoch and an epoch without an id alike.
      return refusal(ErrorCode.INVALID_REQUEST)
    }
    if (transactionalId !== null) {
      const expected = hasProducerId ? { producerId: request.producerId, producerEpoch: request.producerEpoch } : undefined
      const result = await services.transactions.initProducerId(clusterId, transactionalId, request.transactionTimeoutMs, expected)
      if (!('producerId' in result)) {
        logger.info({ transactionalId: request.transactionalId, errorCode: result.errorCode, clientId }, 'InitProducerId refused')
        return refusal(transactionErrorFor(result.errorCode, apiVersion, 4))
      }
      return { throttleTimeMs: 0, errorCode: 0, producerId: result.producerId, producerEpoch: result.producerEpoch }
    }
    if (hasProducerId) {
      const bump = await catalog.bumpProducerEpoch(clusterId, request.producerId, request.producerEpoch, clock.nowMs())
      if (bump.outcome === 'bumped' || bump.outcome === 'retried') {
        return { throttleTimeMs: 0, errorCode: 0, producerId: request.producerId, producerEpoch: bump.producerEpoch }
      }
      if (bump.outcome === 'fenced') {
        logger.info({ producerId: request.producerId, producerEpoch: request.producerEpoch, currentEpoch: bump.producerEpoch, clientId },
          'InitProducerId from a fenced producer epoch')
        return refusal(apiVersion >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH)
      }
    }
    const { producerId, producerEpoch } = await catalog.allocateProducerId(clusterId, clock.nowMs())
    return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch }
  }
})
