// Produce and Fetch over a raw connection, and a reader for the record batches a Fetch returns:
// lets tests check what the node stores and serves byte for byte, independently of any client.
import { FetchApi } from '../../src/protocol/messages/fetch.ts'
import { ProduceApi, type PartitionProduceResponse } from '../../src/protocol/messages/produce.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import { BATCH_HEADER_SIZE, BATCH_LENGTH_PREFIX, Offsets, readBatchHeader, type BatchHeader } from '../../src/protocol/records/record-batch.ts'
import { crc32c } from '../../src/protocol/records/crc32c.ts'
import type { WireClient } from './wire-client.ts'

export interface FetchedBatch extends BatchHeader {
  baseOffset: number
  /** The batch's bytes as served, baseOffset patched. */
  bytes: Buffer
  isCrcValid: boolean
}

/** Splits a Fetch response's records into batches; a partial batch at the end (maxBytes cut) is dropped, as clients do. */
export function splitBatches (records: Buffer | null): FetchedBatch[] {
  const batches: FetchedBatch[] = []
  if (records === null) return batches
  let position = 0
  while (position + BATCH_LENGTH_PREFIX <= records.length) {
    const size = records.readInt32BE(position + Offsets.batchLength) + BATCH_LENGTH_PREFIX
    if (size < BATCH_HEADER_SIZE || position + size > records.length) break
    const bytes = records.subarray(position, position + size)
    const header = readBatchHeader(bytes)
    batches.push({
      ...header,
      baseOffset: Number(bytes.readBigInt64BE(Offsets.baseOffset)),
      bytes,
      isCrcValid: bytes.readUInt32BE(Offsets.crc) === crc32c(bytes.subarray(Offsets.attributes))
    })
    position += size
  }
  return batches
}

export interface FetchedPartition {
  errorCode: number
  highWatermark: number
  logStartOffset: number
  batches: FetchedBatch[]
}

/** One Fetch v11 (topic names, no session) of one partition from `fetchOffset`, not waiting. */
export async function fetchPartition (
  client: WireClient, topic: string, partition: number, fetchOffset: number, maxBytes = 8 * 1024 * 1024
): Promise<FetchedPartition> {
  const response = await client.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic,
      topicId: ZERO_UUID,
      partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: maxBytes }]
    }],
    forgottenTopicsData: [],
    rackId: ''
  })
  if (response.errorCode !== 0) throw new Error(`Fetch failed with error ${response.errorCode}`)
  const data = response.responses[0]?.partitions[0]
  if (data === undefined) throw new Error('Fetch response has no partition')
  const records = Array.isArray(data.records) ? Buffer.concat(data.records) : data.records
  return { errorCode: data.errorCode, highWatermark: data.highWatermark, logStartOffset: data.logStartOffset, batches: splitBatches(records) }
}

/** Every batch of a partition from `fromOffset` to its high watermark. */
export async function fetchAll (client: WireClient, topic: string, partition: number, fromOffset = 0): Promise<FetchedBatch[]> {
  const batches: FetchedBatch[] = []
  let offset = fromOffset
  for (;;) {
    const fetched = await fetchPartition(client, topic, partition, offset)
    if (fetched.errorCode !== 0) throw new Error(`Fetch of ${topic}-${partition} at ${offset} failed with error ${fetched.errorCode}`)
    for (const batch of fetched.batches) {
      if (batch.baseOffset + batch.lastOffsetDelta < offset) continue
      batches.push(batch)
      offset = batch.baseOffset + batch.lastOffsetDelta + 1
    }
    if (offset >= fetched.highWatermark || fetched.batches.length === 0) return batches
  }
}

/** Produce v9 (flexible) of one batch to one partition with acks=all. */
export async function produceBatch (
  client: WireClient, topic: string, partition: number, batch: Buffer, version = 9
): Promise<PartitionProduceResponse> {
  const response = await client.request(ProduceApi, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }]
  })
  const result = response.responses[0]?.partitionResponses[0]
  if (result === undefined) throw new Error('Produce response has no partition')
  return result
}
