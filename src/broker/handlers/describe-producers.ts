// DescribeProducers (key 61), v0. The active idempotent and transactional producers of each
// partition. Unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION.
// Gaps: producer state is not kept yet (idempotent producers come with the next issue), so every
// existing partition answers an empty list without error.
import { DescribeProducersApi } from '../../protocol/messages/describe-producers.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

export const describeProducersHandler = defineHandler({
  api: DescribeProducersApi,
  versions: { min: 0, max: 0 },
  async handle (request, { services, clusterId }) {
    const topics = request.topics.map(topicRequest => {
      const topic = services.topics.get(clusterId, topicRequest.name)
      const partitions = topicRequest.partitionIndexes.map(partitionIndex => {
        const exists = topic !== undefined && partitionIndex >= 0 && partitionIndex < topic.partitionCount
        return {
          partitionIndex,
          errorCode: exists ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: exists ? null : 'This server does not host this topic-partition.',
          activeProducers: []
        }
      })
      return { name: topicRequest.name, partitions }
    })
    return { throttleTimeMs: 0, topics }
  }
})
