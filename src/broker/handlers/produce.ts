// Produce (key 0), v3-11 (magic-2 batches only, as Kafka 4 requires). v0-2 are advertised but
// refused, as Kafka 4 does (KAFKA-18659): librdkafka < 2.10 sends gzip/snappy batches uncompressed
// unless ApiVersions lists Produce v2. Each partition's batch is
// validated once (header, CRC-32C, size, timestamps), queued in the flush buffer in request order,
// and answered after its flush is durable and committed. acks=0 gets no response.
// Idempotent producers: the Catalog commit checks each batch's epoch and sequence and answers a
// retry of one of the producer's last five batches with its original offset, storing nothing
// (INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER otherwise; see storage/producer-sequences.ts).
// A transactional batch must belong to its producer's ongoing transaction (checked in the commit).
// On an IAM listener: kafka-cluster:WriteData on each topic (TOPIC_AUTHORIZATION_FAILED), and with
// a transactional id AlterTransactionalId on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED for all).
import {
  ProduceApi, type PartitionProduceResponse, type ProduceRequest, type TopicProduceResponse
} from '../../protocol/messages/produce.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { isBatchProblem, stampLogAppendTime, validateProducedBatch } from '../../protocol/records/record-batch.ts'
import type { AppendResult, TopicRecord } from '../../storage/catalog.ts'
import { KafkaError } from '../../common/errors.ts'
import { effectiveTopicConfig } from '../topic-configs.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

function partitionError (index: number, errorCode: number, errorMessage: string | null): PartitionProduceResponse {
  return {
    index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage
  }
}

/** Checks one partition's batch and queues it; returns the promise of its response entry. */
function appendPartition (
  topic: TopicRecord | undefined, index: number, records: Buffer | null, context: RequestContext
): PartitionProduceResponse | Promise<PartitionProduceResponse> {
  const { services, clusterId, logger } = context
  if (topic === undefined || index < 0 || index >= topic.partitionCount) {
    return partitionError(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
  }
  if (records === null || records.length === 0) {
    return partitionError(index, ErrorCode.INVALID_RECORD, 'the partition carries no record batch')
  }
  const maxMessageBytes = Number(effectiveTopicConfig(topic.configs, 'max.message.bytes'))
  if (records.length > maxMessageBytes) {
    return partitionError(index, ErrorCode.MESSAGE_TOO_LARGE,
      `record batch of ${records.length} bytes exceeds max.message.bytes ${maxMessageBytes} of topic ${topic.name}`)
  }
  const header = validateProducedBatch(records)
  if (isBatchProblem(header)) {
    logger.warn({ topic: topic.name, partition: index, clientId: context.clientId, problem: header.message }, 'rejected record batch')
    return partitionError(index, ErrorCode[header.kind], header.message)
  }
  const nowMs = services.clock.nowMs()
  let logAppendTimeMs = -1
  if (effectiveTopicConfig(topic.configs, 'message.timestamp.type') === 'LogAppendTime') {
    stampLogAppendTime(records, nowMs)
    logAppendTimeMs = nowMs
    header.maxTimestamp = nowMs
  } else {
    const problem = checkTimestamps(topic, header.baseTimestamp, header.maxTimestamp, nowMs)
    if (problem !== undefined) return partitionError(index, ErrorCode.INVALID_TIMESTAMP, problem)
  }
  const target = { clusterId, topicId: topic.topicId, partition: index }
  return services.log.append(target, records, header).then(
    (result: AppendResult) => {
      if (result.errorCode !== 0 || !('baseOffset' in result)) {
        return partitionError(index, result.errorCode, 'message' in result ? result.message : null)
      }
      return {
        index, errorCode: 0, baseOffset: result.baseOffset, logAppendTimeMs, logStartOffset: result.logStartOffset, recordErrors: [], errorMessage: null
      }
    },
    (error: unknown) => {
      if (error instanceof KafkaError) return partitionError(index, error.errorCode, error.message)
      logger.error({ err: error, topic: topic.name, partition: index }, 'append failed')
      return partitionError(index, ErrorCode.KAFKA_STORAGE_ERROR, 'the append could not be made durable; retry')
    }
  )
}

/** CreateTime bounds: message.timestamp.difference.max.ms and the before/after pair (KIP-937). */
function checkTimestamps (topic: TopicRecord, baseTimestamp: number, maxTimestamp: number, nowMs: number): string | undefined {
  const difference = Number(effectiveTopicConfig(topic.configs, 'message.timestamp.difference.max.ms'))
  const before = Math.min(difference, Number(effectiveTopicConfig(topic.configs, 'message.timestamp.before.max.ms')))
  const after = Math.min(difference, Number(effectiveTopicConfig(topic.configs, 'message.timestamp.after.max.ms')))
  const earliest = Math.min(baseTimestamp, maxTimestamp)
  if (earliest >= 0 && nowMs - earliest > before) {
    return `timestamp ${earliest} is more than ${before} ms before the broker time ${nowMs}`
  }
  if (maxTimestamp - nowMs > after) {
    return `timestamp ${maxTimestamp} is more than ${after} ms after the broker time ${nowMs}`
  }
  return undefined
}

export const produceHandler = defineHandler({
  api: ProduceApi,
  versions: { min: 0, max: 11 },
  async handle (request: ProduceRequest, context) {
    const { services, clusterId, access } = context
    const refusal = context.apiVersion < 3
      ? { errorCode: ErrorCode.UNSUPPORTED_VERSION, message: `Produce v${context.apiVersion} is not supported: use v3 or later` }
      : request.acks !== 0 && request.acks !== 1 && request.acks !== -1
        ? { errorCode: ErrorCode.INVALID_REQUIRED_ACKS, message: `acks must be -1, 0 or 1, not ${request.acks}` }
        : request.transactionalId !== null && !access.allows('transactional-id', request.transactionalId)
          ? { errorCode: access.deniedError('transactional-id'), message: 'not authorized to use this transactional id' }
          : undefined
    if (refusal !== undefined) {
      const responses = request.topicData.map(topic => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map(partition => partitionError(partition.index, refusal.errorCode, refusal.message))
      }))
      return { responses, throttleTimeMs: 0, nodeEndpoints: [] }
    }
    // Backpressure: wait for room in the flush buffer before queueing anything. Waiters wake in
    // arrival order, and nothing below awaits before the appends, so batches keep their order.
    if (services.log.flushBuffer.isFull) await services.log.flushBuffer.waitForSpace()
    const pending: Array<{ name: string, partitions: Array<PartitionProduceResponse | Promise<PartitionProduceResponse>> }> = []
    for (const topicData of request.topicData) {
      if (!access.allows('topic', topicData.name)) {
        const errorCode = access.deniedError('topic')
        pending.push({ name: topicData.name, partitions: topicData.partitionData.map(partition => partitionError(partition.index, errorCode, null)) })
        continue
      }
      const topic = services.topics.get(clusterId, topicData.name)
      pending.push({
        name: topicData.name,
        partitions: topicData.partitionData.map(partition => appendPartition(topic, partition.index, partition.records, context))
      })
    }
    if (request.acks === 0) {
      for (const topic of pending) {
        for (const partition of topic.partitions) if (partition instanceof Promise) partition.catch(() => {})
      }
      return undefined
    }
    const responses: TopicProduceResponse[] = []
    for (const topic of pending) {
      responses.push({ name: topic.name, partitionResponses: await Promise.all(topic.partitions) })
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] }
  }
})
