// DescribeTransactions (key 65), v0: the state, timeout, producer and open partitions of
// transactional ids (kafka-transactions.sh --describe). An unknown id answers TRANSACTIONAL_ID_NOT_FOUND.
// On an IAM listener each id needs kafka-cluster:DescribeTransactionalId
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED for it, whether or not it exists).
import { DescribeTransactionsApi, type TopicData } from '../../protocol/messages/describe-transactions.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

export const describeTransactionsHandler = defineHandler({
  api: DescribeTransactionsApi,
  versions: { min: 0, max: 0 },
  async handle (request, { services, clusterId, access }) {
    const transactionStates = await Promise.all(request.transactionalIds.map(async transactionalId => {
      const denied = access.errorFor('transactional-id', transactionalId)
      const record = denied !== 0 ? undefined : await services.catalog.getTransaction(clusterId, transactionalId)
      if (record === undefined) {
        return {
          errorCode: denied !== 0 ? denied : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1,
          producerId: -1,
          producerEpoch: -1,
          topics: []
        }
      }
      const topics = new Map<string, TopicData>()
      for (const { topicId, partition } of record.partitions) {
        const name = services.topics.getById(clusterId, topicId)?.name
        if (name === undefined) continue
        const entry = topics.get(name) ?? { topic: name, partitions: [] }
        entry.partitions.push(partition)
        topics.set(name, entry)
      }
      return {
        errorCode: 0,
        transactionalId,
        transactionState: record.state,
        transactionTimeoutMs: record.timeoutMs,
        transactionStartTimeMs: record.startedAtMs,
        producerId: record.producerId,
        producerEpoch: record.producerEpoch,
        topics: [...topics.values()]
      }
    }))
    return { throttleTimeMs: 0, transactionStates }
  }
})
