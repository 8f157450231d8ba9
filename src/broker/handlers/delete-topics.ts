// DeleteTopics (key 20), v1-6. Deletes topics by name, or (v6) by name or topic id: the Catalog
// drops the topic with its partitions and coordinates, and the log engine forgets their in-memory
// state (objects no longer referenced go with the next retention pass). Unknown names answer
// UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; a topic named twice, or by both name
// and id in one entry, INVALID_REQUEST, as Kafka does. Gaps: timeoutMs is ignored (deletion is
// done when the Catalog commit returns); no partition-deletion rate limit yet. On an IAM listener
// each topic needs kafka-cluster:DeleteTopic (TOPIC_AUTHORIZATION_FAILED): a topic named in the
// request is checked before it is looked up, whether or not it exists; one given by id is checked
// once the id is found (an unknown id answers UNKNOWN_TOPIC_ID).
import { DeleteTopicsApi, type DeletableTopicResult } from '../../protocol/messages/delete-topics.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ZERO_UUID } from '../../protocol/primitives/reader.ts'
import { defineHandler } from '../handler.ts'
import { authorizationMessage } from '../request-access.ts'

interface Target {
  name: string | null
  topicId: string
  /** Set when the entry is answered without looking the topic up. */
  error?: { errorCode: number, errorMessage: string }
}

function result (name: string | null, topicId: string, errorCode: number, errorMessage: string | null): DeletableTopicResult {
  return { name, topicId, errorCode, errorMessage }
}

/** The request's entries in order, with Kafka's checks for duplicates and malformed entries. */
function targetsOf (topicNames: string[], topics: Array<{ name: string | null, topicId: string }>, apiVersion: number): Target[] {
  const entries = apiVersion >= 6 ? topics : topicNames.map(name => ({ name, topicId: ZERO_UUID }))
  const nameCounts = new Map<string, number>()
  const idCounts = new Map<string, number>()
  for (const { name, topicId } of entries) {
    if (name !== null && topicId === ZERO_UUID) nameCounts.set(name, (nameCounts.get(name) ?? 0) + 1)
    if (name === null && topicId !== ZERO_UUID) idCounts.set(topicId, (idCounts.get(topicId) ?? 0) + 1)
  }
  const targets: Target[] = []
  const reported = new Set<string>()
  for (const { name, topicId } of entries) {
    if (name === null && topicId === ZERO_UUID) {
      targets.push({ name, topicId, error: { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Neither topic name nor id were specified.' } })
    } else if (name !== null && topicId !== ZERO_UUID) {
      targets.push({ name, topicId, error: { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'You may not specify both topic name and topic id.' } })
    } else if (name !== null ? (nameCounts.get(name) ?? 0) > 1 : (idCounts.get(topicId) ?? 0) > 1) {
      const key = name !== null ? `name:${name}` : `id:${topicId}`
      if (reported.has(key)) continue
      reported.add(key)
      const errorMessage = name !== null ? 'Duplicate topic name.' : 'Duplicate topic id.'
      targets.push({ name, topicId, error: { errorCode: ErrorCode.INVALID_REQUEST, errorMessage } })
    } else {
      targets.push({ name, topicId })
    }
  }
  return targets
}

export const deleteTopicsHandler = defineHandler({
  api: DeleteTopicsApi,
  versions: { min: 1, max: 6 },
  async handle (request, context) {
    const { services, clusterId, apiVersion, logger, access } = context
    const targets = targetsOf(request.topicNames, request.topics, apiVersion)
    const responses = await services.topics.withChangeLock(clusterId, async () => {
      const responses: DeletableTopicResult[] = []
      const deletedIds = new Set<string>()
      for (const target of targets) {
        if (target.error !== undefined) {
          responses.push(result(target.name, target.topicId, target.error.errorCode, target.error.errorMessage))
          continue
        }
        const topic = target.name !== null
          ? services.topics.get(clusterId, target.name)
          : services.topics.getById(clusterId, target.topicId)
        const checkedName = target.name ?? topic?.name
        const denied = checkedName === undefined ? 0 : access.errorFor('topic', checkedName)
        if (denied !== 0) {
          responses.push(result(target.name, target.topicId, denied, authorizationMessage(denied)))
          continue
        }
        if (topic === undefined) {
          responses.push(target.name !== null
            ? result(target.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
            : result(null, target.topicId, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'))
          continue
        }
        if (deletedIds.has(topic.topicId)) {
          responses.push(result(target.name, target.topicId, ErrorCode.INVALID_REQUEST,
            'The provided topic name maps to an ID that was already supplied.'))
          continue
        }
        deletedIds.add(topic.topicId)
        const removed = await services.topics.delete(clusterId, topic.name)
        if (removed === undefined) {
          responses.push(result(topic.name, topic.topicId, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'))
          continue
        }
        services.log.forgetTopic(removed.topicId, removed.partitionCount)
        logger.info({ topic: removed.name, topicId: removed.topicId }, 'topic deleted')
        responses.push(result(removed.name, removed.topicId, 0, null))
      }
      return responses
    })
    return { throttleTimeMs: 0, responses }
  }
})
