// AddPartitionsToTxn (key 24), v0-3: a transactional producer adds partitions to its ongoing
// transaction before producing to them (the commit refuses transactional batches elsewhere).
// Versions 4+ are the brokers' batched form (KIP-890) and are not served. Unknown partitions fail
// the request: UNKNOWN_TOPIC_OR_PARTITION for them, OPERATION_NOT_ATTEMPTED for the others, as Kafka answers.
// On an IAM listener the transactional id needs kafka-cluster:AlterTransactionalId (checked first:
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED on every partition), then each topic WriteData: a denied
// topic answers TOPIC_AUTHORIZATION_FAILED on its partitions and fails the request as unknown ones do.
import { AddPartitionsToTxnApi, type AddPartitionsToTxnTopicResult } from '../../protocol/messages/add-partitions-to-txn.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { GroupPartition } from '../../storage/catalog.ts'
import { defineHandler } from '../handler.ts'
import { transactionErrorFor } from '../transaction-errors.ts'

export const addPartitionsToTxnHandler = defineHandler({
  api: AddPartitionsToTxnApi,
  versions: { min: 0, max: 3 },
  async handle (request, { services, clusterId, apiVersion, logger, access }) {
    const transactionDenied = access.errorFor('transactional-id', request.v3AndBelowTransactionalId)
    const wanted: GroupPartition[] = []
    const unknown: string[] = []
    // Per partition: its own error, or -1 when it can be added.
    const codes = request.v3AndBelowTopics.map(({ name, partitions }) => {
      const denied = transactionDenied !== 0 ? transactionDenied : access.errorFor('topic', name)
      const topic = services.topics.get(clusterId, name)
      return partitions.map(partition => {
        if (denied !== 0) return denied
        if (topic === undefined || partition < 0 || partition >= topic.partitionCount) {
          unknown.push(`${name}-${partition}`)
          return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        }
        wanted.push({ topicId: topic.topicId, partition })
        return -1
      })
    })
    let errorCode: number
    if (transactionDenied !== 0 || codes.some(partitions => partitions.some(code => code !== -1))) {
      if (unknown.length > 0) logger.info({ transactionalId: request.v3AndBelowTransactionalId, partitions: unknown }, 'AddPartitionsToTxn for unknown partitions')
      errorCode = ErrorCode.OPERATION_NOT_ATTEMPTED
    } else {
      errorCode = transactionErrorFor(await services.transactions.addPartitions({
        clusterId,
        transactionalId: request.v3AndBelowTransactionalId,
        producerId: request.v3AndBelowProducerId,
        producerEpoch: request.v3AndBelowProducerEpoch
      }, wanted), apiVersion, 2)
    }
    const resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[] = request.v3AndBelowTopics.map(({ name, partitions }, topicIndex) => ({
      name,
      resultsByPartition: partitions.map((partitionIndex, index) => ({
        partitionIndex,
        partitionErrorCode: codes[topicIndex]![index] === -1 ? errorCode : codes[topicIndex]![index]!
      }))
    }))
    return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [], resultsByTopicV3AndBelow }
  }
})
