// CreateTopics (key 19), v2-7. Creates topics with their configs, or only checks them
// (validateOnly). numPartitions -1 takes config.limits.defaultPartitions; the replication factor
// is managed, so -1 and 1-3 are accepted and reported as 3, and explicit assignments are refused
// with INVALID_REQUEST. Names follow Kafka's rules (INVALID_TOPIC_EXCEPTION, including the '.'/'_'
// collision); configs go through checkTopicConfig (POLICY_VIOLATION / INVALID_CONFIG); the
// cluster partition limit counts existing topics and earlier topics of the same request, and
// answers INVALID_REQUEST as MSK does. v5+ results carry the effective configs, the partition count
// and the replication factor; v7 the topic id (the zero id under validateOnly: nothing was made).
// On an IAM listener each topic needs kafka-cluster:CreateTopic, checked before anything else about
// it (TOPIC_AUTHORIZATION_FAILED, whether or not it exists); its configs, partition count and
// replication factor are returned only with DescribeTopicDynamicConfiguration, otherwise
// topicConfigErrorCode is TOPIC_AUTHORIZATION_FAILED, as Kafka answers.
// Gaps: no topic-management rate limit (MSK: 2/s) and no separate compacted-partition limit yet;
// timeoutMs is ignored (a topic exists once the Catalog commit returns).
import {
  CreateTopicsApi, type CreatableTopic, type CreatableTopicResult
} from '../../protocol/messages/create-topics.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/primitives/reader.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { checkTopicConfig } from '../topic-configs.ts'
import { topicCollisionKey, topicNameProblem } from '../topic-name.ts'
import { checkPartitionLimit, topicConfigLimits } from '../topic-admin.ts'
import { describeTopicConfigs } from '../describe-topic-configs.ts'

/** What every topic reports as its replication factor: the service keeps three copies. */
export const REPORTED_REPLICATION_FACTOR = 3

function failure (name: string, errorCode: number, errorMessage: string): CreatableTopicResult {
  return {
    name, topicId: ZERO_UUID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: []
  }
}

/** Checks one topic against everything but the partition limit; returns its partition count and configs. */
function checkTopic (topic: CreatableTopic, context: RequestContext, reservedKeys: Map<string, string>): { partitionCount: number, configs: Record<string, string> } {
  const { services, clusterId } = context
  const nameProblem = topicNameProblem(topic.name)
  if (nameProblem !== undefined) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
  if (services.topics.get(clusterId, topic.name) !== undefined) {
    throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`)
  }
  const colliding = reservedKeys.get(topicCollisionKey(topic.name))
  if (colliding !== undefined) {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${topic.name}' collides with existing topic: ${colliding}`)
  }
  if (topic.assignments.length > 0) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST,
      'partition placement is managed by the service: send no assignments, only numPartitions')
  }
  if (topic.replicationFactor === 0 || topic.replicationFactor < -1) {
    throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
  }
  if (topic.replicationFactor > REPORTED_REPLICATION_FACTOR) {
    throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${topic.replicationFactor} time(s): the service keeps ${REPORTED_REPLICATION_FACTOR} replicas`)
  }
  if (topic.numPartitions === 0 || topic.numPartitions < -1) {
    throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
  }
  const configs: Record<string, string> = {}
  const nullConfigs = topic.configs.filter(config => config.value === null).map(config => config.name)
  if (nullConfigs.length > 0) {
    throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nullConfigs.join(',')}`)
  }
  const limits = topicConfigLimits(services.config)
  for (const { name, value } of topic.configs) {
    if (Object.hasOwn(configs, name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `config ${name} is given more than once`)
    checkTopicConfig(name, value, limits, true)
    configs[name] = value ?? ''
  }
  const partitionCount = topic.numPartitions === -1 ? services.config.limits.defaultPartitions : topic.numPartitions
  return { partitionCount, configs }
}

export const createTopicsHandler = defineHandler({
  api: CreateTopicsApi,
  versions: { min: 2, max: 7 },
  async handle (request, context) {
    const { services, clusterId, logger, access } = context
    const counts = new Map<string, number>()
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1)

    const results = await services.topics.withChangeLock(clusterId, async () => {
      const results = new Map<string, CreatableTopicResult>()
      const reservedKeys = new Map<string, string>()
      for (const existing of services.topics.list(clusterId)) reservedKeys.set(topicCollisionKey(existing.name), existing.name)
      let partitionsAdded = 0
      for (const topic of request.topics) {
        if (results.has(topic.name)) continue
        if ((counts.get(topic.name) ?? 0) > 1) {
          results.set(topic.name, failure(topic.name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'))
          continue
        }
        try {
          access.requireAllowed('topic', topic.name)
          const { partitionCount, configs } = checkTopic(topic, context, reservedKeys)
          checkPartitionLimit(services.topics.partitionCount(clusterId) + partitionsAdded, partitionCount, services.config)
          let topicId = ZERO_UUID
          if (!request.validateOnly) {
            const created = await services.topics.create(clusterId, topic.name, partitionCount, configs, services.clock.nowMs())
            topicId = created.topicId
            logger.info({ topic: topic.name, topicId, partitions: partitionCount, configs }, 'topic created')
          } else {
            partitionsAdded += partitionCount
          }
          reservedKeys.set(topicCollisionKey(topic.name), topic.name)
          const created = { name: topic.name, topicId, errorCode: 0, errorMessage: null }
          const configsDenied = access.errorFor('topic', topic.name, 'return-configs')
          results.set(topic.name, configsDenied !== 0
            ? { ...created, topicConfigErrorCode: configsDenied, numPartitions: -1, replicationFactor: -1, configs: [] }
            : {
                ...created,
                topicConfigErrorCode: 0,
                numPartitions: partitionCount,
                replicationFactor: REPORTED_REPLICATION_FACTOR,
                configs: describeTopicConfigs(configs).map(({ name, value, readOnly, configSource, isSensitive }) =>
                  ({ name, value, readOnly, configSource, isSensitive }))
              })
        } catch (error) {
          if (!(error instanceof KafkaError)) throw error
          results.set(topic.name, failure(topic.name, error.errorCode, error.message))
        }
      }
      return results
    })
    return { throttleTimeMs: 0, topics: [...results.values()] }
  }
})
