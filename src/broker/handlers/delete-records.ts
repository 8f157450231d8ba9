// DeleteRecords (key 21), v0-2. Moves each partition's log start offset up to the given offset
// (-1: the high watermark), dropping the coordinates wholly below it; the objects go with the next
// retention pass. An offset below the current start is no change; above the high watermark or
// below -1 answers OFFSET_OUT_OF_RANGE; a topic whose cleanup.policy lacks delete answers
// POLICY_VIOLATION, as Kafka does. Each partition reports its new low watermark. On an IAM listener
// each topic needs kafka-cluster:DeleteTopic: a denied one answers TOPIC_AUTHORIZATION_FAILED on
// every partition, whether or not it exists.
// Gaps: timeoutMs is ignored (the move is done when the Catalog commit returns).
import { DeleteRecordsApi, type DeleteRecordsPartitionResult } from '../../protocol/messages/delete-records.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { effectiveTopicConfig } from '../topic-configs.ts'
import { listItems } from '../alter-topic-configs.ts'

const HIGH_WATERMARK = -1

function partitionAnswer (partitionIndex: number, errorCode: number, lowWatermark = -1): DeleteRecordsPartitionResult {
  return { partitionIndex, lowWatermark, errorCode }
}

async function deletePartition (topic: TopicRecord | undefined, partitionIndex: number, offset: number, context: RequestContext): Promise<DeleteRecordsPartitionResult> {
  const answer = (errorCode: number, lowWatermark = -1): DeleteRecordsPartitionResult => partitionAnswer(partitionIndex, errorCode, lowWatermark)
  if (topic === undefined || partitionIndex < 0 || partitionIndex >= topic.partitionCount) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (!listItems(effectiveTopicConfig(topic.configs, 'cleanup.policy')).includes('delete')) return answer(ErrorCode.POLICY_VIOLATION)
  if (offset < HIGH_WATERMARK) return answer(ErrorCode.OFFSET_OUT_OF_RANGE)
  try {
    const lowWatermark = await context.services.log.deleteRecordsBefore(topic.topicId, partitionIndex, offset)
    return answer(0, lowWatermark)
  } catch (error) {
    if (error instanceof KafkaError) return answer(error.errorCode)
    throw error
  }
}

export const deleteRecordsHandler = defineHandler({
  api: DeleteRecordsApi,
  versions: { min: 0, max: 2 },
  async handle (request, context) {
    const { services, clusterId, access } = context
    const topics = await Promise.all(request.topics.map(async topicRequest => {
      const denied = access.errorFor('topic', topicRequest.name)
      const topic = services.topics.get(clusterId, topicRequest.name)
      const partitions = await Promise.all(topicRequest.partitions.map(partition => denied !== 0
        ? partitionAnswer(partition.partitionIndex, denied)
        : deletePartition(topic, partition.partitionIndex, partition.offset, context)))
      return { name: topicRequest.name, partitions }
    }))
    return { throttleTimeMs: 0, topics }
  }
})
