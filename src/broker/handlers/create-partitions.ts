// CreatePartitions (key 37), v0-3. Raises a topic's partition count (new partitions start empty at
// offset 0), or only checks that it could (validateOnly). Not an increase answers INVALID_PARTITIONS
// with Kafka's messages; explicit assignments INVALID_REQUEST (placement is managed); going over the
// cluster partition limit INVALID_REQUEST, as MSK does, counting earlier topics of the request.
// On an IAM listener each topic needs kafka-cluster:AlterTopic, checked before anything else about
// it (TOPIC_AUTHORIZATION_FAILED, whether or not it exists).
// Gaps: no partition-creation rate limit (MSK: THROTTLING_QUOTA_EXCEEDED); timeoutMs is ignored.
import { CreatePartitionsApi, type CreatePartitionsTopic, type CreatePartitionsTopicResult } from '../../protocol/messages/create-partitions.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { checkPartitionLimit } from '../topic-admin.ts'

/** Returns the topic and how many partitions it gains; throws KafkaError when the change is refused. */
function checkIncrease (request: CreatePartitionsTopic, context: RequestContext): { topic: TopicRecord, added: number } {
  const topic = context.services.topics.get(context.clusterId, request.name)
  if (topic === undefined) {
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
  }
  if (request.count === topic.partitionCount) {
    throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitionCount} partition(s).`)
  }
  if (request.count < topic.partitionCount) {
    throw new KafkaError(ErrorCode.INVALID_PARTITIONS,
      `The topic ${topic.name} currently has ${topic.partitionCount} partition(s); ${request.count} would not be an increase.`)
  }
  if (request.assignments !== null && request.assignments.length > 0) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, 'partition placement is managed by the service: send no assignments, only the count')
  }
  return { topic, added: request.count - topic.partitionCount }
}

export const createPartitionsHandler = defineHandler({
  api: CreatePartitionsApi,
  versions: { min: 0, max: 3 },
  async handle (request, context) {
    const { services, clusterId, logger } = context
    const counts = new Map<string, number>()
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1)

    const results = await services.topics.withChangeLock(clusterId, async () => {
      const results = new Map<string, CreatePartitionsTopicResult>()
      let partitionsAdded = 0
      for (const topicRequest of request.topics) {
        const { name } = topicRequest
        if (results.has(name)) continue
        if ((counts.get(name) ?? 0) > 1) {
          results.set(name, { name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' })
          continue
        }
        try {
          context.access.requireAllowed('topic', name)
          const { topic, added } = checkIncrease(topicRequest, context)
          checkPartitionLimit(services.topics.partitionCount(clusterId) + partitionsAdded, added, services.config)
          if (request.validateOnly) {
            partitionsAdded += added
          } else {
            await services.topics.setPartitionCount(topic, topicRequest.count)
            logger.info({ topic: name, from: topic.partitionCount, to: topicRequest.count }, 'partitions created')
          }
          results.set(name, { name, errorCode: 0, errorMessage: null })
        } catch (error) {
          if (!(error instanceof KafkaError)) throw error
          results.set(name, { name, errorCode: error.errorCode, errorMessage: error.message })
        }
      }
      return results
    })
    return { throttleTimeMs: 0, results: [...results.values()] }
  }
})
