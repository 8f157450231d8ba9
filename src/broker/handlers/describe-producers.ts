// DescribeProducers (key 61), v0. The producers each partition holds idempotent-producer state for
// (kept in the Catalog with the sequence checks): id, epoch, last sequence and the last batch's
// timestamp. Unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION. On an IAM listener
// each topic needs kafka-cluster:ReadData: a denied one answers TOPIC_AUTHORIZATION_FAILED on every
// partition, whether or not it exists.
// Gaps: no transactions yet, so coordinatorEpoch and currentTxnStartOffset are always -1.
import { DescribeProducersApi, type PartitionResponse } from '../../protocol/messages/describe-producers.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { lastSequenceOfState } from '../../storage/producer-sequences.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

function partitionError (partitionIndex: number, errorCode: number, errorMessage: string | null): PartitionResponse {
  return { partitionIndex, errorCode, errorMessage, activeProducers: [] }
}

async function describePartition (topic: TopicRecord | undefined, partitionIndex: number, context: RequestContext): Promise<PartitionResponse> {
  if (topic === undefined || partitionIndex < 0 || partitionIndex >= topic.partitionCount) {
    return partitionError(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
  }
  const states = await context.services.catalog.listPartitionProducers(topic.topicId, partitionIndex)
  return {
    partitionIndex,
    errorCode: 0,
    errorMessage: null,
    activeProducers: states.map(state => ({
      producerId: state.producerId,
      producerEpoch: state.producerEpoch,
      lastSequence: lastSequenceOfState(state),
      lastTimestamp: state.lastTimestamp,
      coordinatorEpoch: state.coordinatorEpoch,
      currentTxnStartOffset: state.currentTxnFirstOffset
    }))
  }
}

export const describeProducersHandler = defineHandler({
  api: DescribeProducersApi,
  versions: { min: 0, max: 0 },
  async handle (request, context) {
    const topics = await Promise.all(request.topics.map(async topicRequest => {
      const denied = context.access.errorFor('topic', topicRequest.name)
      const topic = context.services.topics.get(context.clusterId, topicRequest.name)
      const partitions = await Promise.all(topicRequest.partitionIndexes.map(index => denied !== 0
        ? partitionError(index, denied, null)
        : describePartition(topic, index, context)))
      return { name: topicRequest.name, partitions }
    }))
    return { throttleTimeMs: 0, topics }
  }
})
