// ListOffsets (key 2), v1-10: earliest (-2), latest (-1), max timestamp (-3, v7+), earliest local
// (-4, v8+) and earliest pending upload (-5, v9+; nothing is pending here, so the log start), and
// by timestamp (the first record at or after it). Latest under read_committed (isolation level 1)
// is the last stable offset, below every open transaction. On an IAM listener each topic needs
// kafka-cluster:DescribeTopic: a denied one answers TOPIC_AUTHORIZATION_FAILED on every partition,
// whether or not it exists.
import { ListOffsetsApi, type ListOffsetsPartitionResponse } from '../../protocol/messages/list-offsets.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import type { TopicRecord } from '../../storage/catalog.ts'

const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4
const EARLIEST_PENDING_UPLOAD = -5

function partitionAnswer (partitionIndex: number, errorCode: number, offset = -1, found = -1): ListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: found, offset, leaderEpoch: errorCode === 0 ? 0 : -1 }
}

async function listOffset (
  topic: TopicRecord | undefined, partitionIndex: number, timestamp: number, isReadCommitted: boolean, context: RequestContext
): Promise<ListOffsetsPartitionResponse> {
  const answer = (errorCode: number, offset = -1, found = -1): ListOffsetsPartitionResponse => partitionAnswer(partitionIndex, errorCode, offset, found)
  if (topic === undefined || partitionIndex < 0 || partitionIndex >= topic.partitionCount) {
    return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  }
  const { log } = context.services
  try {
    const offsets = await log.offsets(topic.topicId, partitionIndex)
    switch (timestamp) {
      case LATEST: return answer(0, isReadCommitted ? offsets.lastStableOffset : offsets.highWatermark)
      case EARLIEST:
      case EARLIEST_LOCAL:
      case EARLIEST_PENDING_UPLOAD: return answer(0, offsets.logStartOffset)
      case MAX_TIMESTAMP: {
        const found = await log.maxTimestamp(topic.topicId, partitionIndex)
        return found === undefined ? answer(0) : answer(0, found.offset, found.timestamp)
      }
      default: {
        if (timestamp < 0) return answer(ErrorCode.INVALID_REQUEST)
        const found = await log.offsetForTimestamp(topic.topicId, partitionIndex, timestamp)
        return found === undefined ? answer(0) : answer(0, found.offset, found.timestamp)
      }
    }
  } catch (error) {
    if (error instanceof KafkaError) return answer(error.errorCode)
    throw error
  }
}

export const listOffsetsHandler = defineHandler({
  api: ListOffsetsApi,
  versions: { min: 1, max: 10 },
  async handle (request, context) {
    const { services, clusterId, access } = context
    const topics = await Promise.all(request.topics.map(async topicRequest => {
      const denied = access.errorFor('topic', topicRequest.name)
      const topic = services.topics.get(clusterId, topicRequest.name)
      const partitions = await Promise.all(topicRequest.partitions.map(partition => denied !== 0
        ? partitionAnswer(partition.partitionIndex, denied)
        : listOffset(topic, partition.partitionIndex, partition.timestamp, request.isolationLevel === 1, context)))
      return { name: topicRequest.name, partitions }
    }))
    return { throttleTimeMs: 0, topics }
  }
})
