// Fetch (key 1), v4-17. Reads each partition from its fetch offset (the in-memory tail or the
// ObjectStore), waits up to maxWaitMs for minBytes (woken by commits), honours maxBytes and
// partitionMaxBytes (always at least one batch, KIP-74), and keeps fetch sessions (KIP-227).
// Records go out as the stored buffers with baseOffset patched. With isolation_level
// read_committed (1) a partition is read only up to its last stable offset and comes with the
// aborted transactions of the range, which the client uses to drop aborted records. On an IAM
// listener each topic needs kafka-cluster:ReadData (TOPIC_AUTHORIZATION_FAILED otherwise).
import {
  FetchApi, type FetchRequest, type FetchResponse as FetchResponseOf, type FetchableTopicResponse as FetchableTopicResponseOf,
  type PartitionData as PartitionDataOf
} from '../../protocol/messages/fetch.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { RecordsInput } from '../../protocol/primitives/writer.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { type FetchSession, type SessionPartition, sessionPartitionKey } from '../fetch-session-cache.ts'

// Responses carry records as lists of stored buffers, written out without copying.
type FetchResponse = FetchResponseOf<RecordsInput>
type FetchableTopicResponse = FetchableTopicResponseOf<RecordsInput>
type PartitionData = PartitionDataOf<RecordsInput>

interface PartitionResult {
  entry: SessionPartition
  data: PartitionData
}

function emptyPartitionData (partition: number, errorCode: number): PartitionData {
  return {
    partitionIndex: partition,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: []
  }
}

function topLevelError (errorCode: number, sessionId: number): FetchResponse {
  return { throttleTimeMs: 0, errorCode, sessionId, responses: [], nodeEndpoints: [] }
}

/** Resolves the requested partitions into session entries; unknown topics become error entries. */
function resolvePartitions (request: FetchRequest, context: RequestContext) {
  const { services, clusterId, apiVersion } = context
  const resolved: SessionPartition[] = []
  const unknown: FetchableTopicResponse[] = []
  for (const topicRequest of request.topics) {
    const topic = apiVersion >= 13
      ? services.topics.getById(clusterId, topicRequest.topicId)
      : services.topics.get(clusterId, topicRequest.topic)
    if (topic === undefined) {
      const errorCode = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      unknown.push({
        topic: topicRequest.topic,
        topicId: topicRequest.topicId,
        partitions: topicRequest.partitions.map(partition => emptyPartitionData(partition.partition, errorCode))
      })
      continue
    }
    if (!context.access.allows('topic', topic.name)) {
      const errorCode = context.access.deniedError('topic')
      unknown.push({ topic: topicRequest.topic, topicId: topicRequest.topicId, partitions: topicRequest.partitions.map(partition => emptyPartitionData(partition.partition, errorCode)) })
      continue
    }
    for (const partition of topicRequest.partitions) {
      resolved.push({
        topicId: topic.topicId,
        topicName: topic.name,
        partition: partition.partition,
        fetchOffset: partition.fetchOffset,
        maxBytes: partition.partitionMaxBytes,
        lastHighWatermark: -2,
        lastLogStartOffset: -2
      })
    }
  }
  return { resolved, unknown }
}

async function readPartitions (entries: SessionPartition[], maxBytes: number, context: RequestContext, isReadCommitted: boolean) {
  const { services, clusterId } = context
  const results: PartitionResult[] = []
  const readable: PartitionResult[] = []
  let hasError = false
  for (const entry of entries) {
    const data = emptyPartitionData(entry.partition, 0)
    if (isReadCommitted) data.abortedTransactions = []
    results.push({ entry, data })
    const topic = services.topics.getById(clusterId, entry.topicId)
    if (topic === undefined || entry.partition < 0 || entry.partition >= topic.partitionCount) {
      data.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      hasError = true
    } else {
      readable.push({ entry, data })
    }
  }
  const outcomes = await services.log.readMany(readable.map(({ entry }) => ({
    topicId: entry.topicId, partition: entry.partition, fetchOffset: entry.fetchOffset, maxBytes: entry.maxBytes, isReadCommitted
  })), maxBytes)
  let totalBytes = 0
  for (const [index, { entry, data }] of readable.entries()) {
    const outcome = outcomes[index]!
    if (outcome instanceof KafkaError) {
      hasError = true
      data.errorCode = outcome.errorCode
      const offsets = await services.log.offsets(entry.topicId, entry.partition).catch(() => undefined)
      if (offsets !== undefined) {
        data.highWatermark = offsets.highWatermark
        data.lastStableOffset = offsets.lastStableOffset
        data.logStartOffset = offsets.logStartOffset
      }
      continue
    }
    data.highWatermark = outcome.highWatermark
    data.lastStableOffset = outcome.lastStableOffset
    data.logStartOffset = outcome.logStartOffset
    if (outcome.abortedTransactions !== undefined) {
      data.abortedTransactions = outcome.abortedTransactions.map(({ producerId, firstOffset }) => ({ producerId, firstOffset }))
    }
    data.records = outcome.chunks
    totalBytes += outcome.bytes
  }
  return { results, totalBytes, hasError }
}

/** An incremental response carries only partitions with records, errors or changed offsets. */
function hasNews (result: PartitionResult): boolean {
  const { data, entry } = result
  return data.errorCode !== 0 ||
    (Array.isArray(data.records) && data.records.length > 0) ||
    data.highWatermark !== entry.lastHighWatermark ||
    data.logStartOffset !== entry.lastLogStartOffset
}

function groupByTopic (results: PartitionResult[], unknown: FetchableTopicResponse[]): FetchableTopicResponse[] {
  const byTopic = new Map<string, FetchableTopicResponse>()
  for (const { entry, data } of results) {
    let topic = byTopic.get(entry.topicId)
    if (topic === undefined) {
      topic = { topic: entry.topicName, topicId: entry.topicId, partitions: [] }
      byTopic.set(entry.topicId, topic)
    }
    topic.partitions.push(data)
  }
  return [...byTopic.values(), ...unknown]
}

/**
 * Partitions that got records go to the end of the session's order, so that the next incremental
 * response's byte budget goes first to those that got none (as in Kafka's fetch sessions).
 */
function moveServedToEnd (session: FetchSession, results: PartitionResult[]): void {
  for (const { entry, data } of results) {
    if (!Array.isArray(data.records) || data.records.length === 0) continue
    const key = sessionPartitionKey(entry.topicId, entry.partition)
    if (session.partitions.get(key) !== entry) continue
    session.partitions.delete(key)
    session.partitions.set(key, entry)
  }
}

/** Applies an incremental request to its session: updated and new partitions, forgotten ones removed. */
function updateSession (session: FetchSession, request: FetchRequest, resolved: SessionPartition[], context: RequestContext): void {
  for (const entry of resolved) {
    const key = sessionPartitionKey(entry.topicId, entry.partition)
    const existing = session.partitions.get(key)
    if (existing === undefined) session.partitions.set(key, entry)
    else {
      existing.fetchOffset = entry.fetchOffset
      existing.maxBytes = entry.maxBytes
    }
  }
  for (const forgotten of request.forgottenTopicsData) {
    const topic = context.apiVersion >= 13
      ? context.services.topics.getById(context.clusterId, forgotten.topicId)
      : context.services.topics.get(context.clusterId, forgotten.topic)
    if (topic === undefined) continue
    for (const partition of forgotten.partitions) session.partitions.delete(sessionPartitionKey(topic.topicId, partition))
  }
}

export const fetchHandler = defineHandler({
  api: FetchApi,
  versions: { min: 4, max: 17 },
  async handle (request: FetchRequest, context): Promise<FetchResponse> {
    const { services, apiVersion } = context
    const nowMs = services.clock.nowMs()
    const sessions = services.fetchSessions
    const sessionId = apiVersion >= 7 ? request.sessionId : 0
    const sessionEpoch = apiVersion >= 7 ? request.sessionEpoch : -1
    const { resolved, unknown } = resolvePartitions(request, context)

    let session: FetchSession | undefined
    let isIncremental = false
    if (sessionEpoch === 0 || sessionEpoch === -1) {
      if (sessionId !== 0) sessions.remove(sessionId)
      if (sessionEpoch === 0) session = sessions.create(nowMs)
      if (session !== undefined) {
        for (const entry of resolved) session.partitions.set(sessionPartitionKey(entry.topicId, entry.partition), entry)
      }
    } else {
      session = sessions.get(sessionId)
      if (session === undefined) return topLevelError(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0)
      if (sessionEpoch !== session.nextEpoch) return topLevelError(ErrorCode.INVALID_FETCH_SESSION_EPOCH, 0)
      updateSession(session, request, resolved, context)
      isIncremental = true
    }
    const entries = isIncremental && session !== undefined ? [...session.partitions.values()] : resolved

    const maxBytes = Math.min(apiVersion >= 3 ? request.maxBytes : 0x7fffffff, services.config.limits.maxFetchBytes)
    const isReadCommitted = request.isolationLevel === 1
    const deadline = nowMs + Math.max(0, request.maxWaitMs)
    let sequence = services.log.commitSequence
    let read = await readPartitions(entries, maxBytes, context, isReadCommitted)
    while (read.totalBytes < request.minBytes && !read.hasError && unknown.length === 0) {
      const remainingMs = deadline - services.clock.nowMs()
      if (remainingMs <= 0 || services.log.isClosed) break
      await services.log.waitForData(entries, remainingMs, sequence)
      // No partitions: no data can come, so one wait (maxWaitMs, or until the node closes) is all.
      if (entries.length === 0 || services.log.isClosed) break
      sequence = services.log.commitSequence
      read = await readPartitions(entries, maxBytes, context, isReadCommitted)
    }

    const included = isIncremental ? read.results.filter(hasNews) : read.results
    for (const { entry, data } of read.results) {
      entry.lastHighWatermark = data.highWatermark
      entry.lastLogStartOffset = data.logStartOffset
    }
    if (session !== undefined) {
      session.lastUsedMs = services.clock.nowMs()
      // A new session expects epoch 1 next (its nextEpoch already); an incremental one the epoch after this.
      if (isIncremental) session.nextEpoch++
      moveServedToEnd(session, read.results)
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: session?.id ?? 0,
      responses: groupByTopic(included, unknown),
      nodeEndpoints: []
    }
  }
})
