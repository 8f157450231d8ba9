// Record batch (magic 2) header access: validate once on produce, patch on read.
// Produce and Fetch read only the 61-byte header; records stay as the client encoded them. Only
// ListOffsets by timestamp walks the records, decompressing them when it must.
import { decompress, DecompressionError } from './compression/index.ts'
import { crc32c } from './crc32c.ts'

export const BATCH_HEADER_SIZE = 61
/** baseOffset (8) + batchLength (4): the part of the header not counted by batchLength. */
export const BATCH_LENGTH_PREFIX = 12

export const Offsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57
} as const

export const Attributes = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20
} as const

export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const

/**
 * The most a compressed batch's records may decompress to when ListOffsets walks them: 8 times the
 * default maxMessageBytes, and low enough that a decompression bomb costs one bounded buffer. A
 * batch past it is answered like an undecodable one (see findOffsetForTimestamp).
 */
export const MAX_DECOMPRESSED_RECORDS_BYTES = 64 * 1024 * 1024

export interface BatchHeader {
  /** Total bytes of the batch, header included. */
  size: number
  magic: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

export type BatchProblem =
  | { kind: 'CORRUPT_MESSAGE', message: string }
  | { kind: 'INVALID_RECORD', message: string }
  | { kind: 'UNSUPPORTED_FOR_MESSAGE_FORMAT', message: string }

function readInt64 (buffer: Buffer, offset: number): number {
  return Number(buffer.readBigInt64BE(offset))
}

/** Reads the header of the batch starting at `offset`; the caller has checked 61 bytes are there. */
export function readBatchHeader (buffer: Buffer, offset = 0): BatchHeader {
  return {
    size: buffer.readInt32BE(offset + Offsets.batchLength) + BATCH_LENGTH_PREFIX,
    magic: buffer.readInt8(offset + Offsets.magic),
    attributes: buffer.readInt16BE(offset + Offsets.attributes),
    lastOffsetDelta: buffer.readInt32BE(offset + Offsets.lastOffsetDelta),
    baseTimestamp: readInt64(buffer, offset + Offsets.baseTimestamp),
    maxTimestamp: readInt64(buffer, offset + Offsets.maxTimestamp),
    producerId: readInt64(buffer, offset + Offsets.producerId),
    producerEpoch: buffer.readInt16BE(offset + Offsets.producerEpoch),
    baseSequence: buffer.readInt32BE(offset + Offsets.baseSequence),
    recordsCount: buffer.readInt32BE(offset + Offsets.recordsCount)
  }
}

/**
 * Checks that `records` (the records field of one partition of a Produce request) is exactly one
 * well-formed magic-2 batch with a valid CRC-32C, as Kafka requires from Produce v3 on.
 * Returns the header or the problem, with the Kafka error it maps to.
 */
export function validateProducedBatch (records: Buffer): BatchHeader | BatchProblem {
  if (records.length < BATCH_LENGTH_PREFIX + 5) {
    return { kind: 'CORRUPT_MESSAGE', message: `record set of ${records.length} bytes is too short for a batch` }
  }
  const magic = records.readInt8(Offsets.magic)
  if (magic !== 2) {
    return {
      kind: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
      message: `record batch magic ${magic} is not supported: produce v3+ requires magic 2`
    }
  }
  if (records.length < BATCH_HEADER_SIZE) {
    return { kind: 'CORRUPT_MESSAGE', message: `record batch of ${records.length} bytes is shorter than its header` }
  }
  const header = readBatchHeader(records)
  if (header.size < BATCH_HEADER_SIZE || header.size > records.length) {
    return { kind: 'CORRUPT_MESSAGE', message: `record batch length ${header.size} does not fit the ${records.length} bytes sent` }
  }
  if (header.size !== records.length) {
    return { kind: 'INVALID_RECORD', message: 'produce requests must contain exactly one record batch per partition' }
  }
  const expectedCrc = records.readUInt32BE(Offsets.crc)
  const actualCrc = crc32c(records.subarray(Offsets.attributes, header.size))
  if (expectedCrc !== actualCrc) {
    return { kind: 'CORRUPT_MESSAGE', message: `record batch CRC mismatch: header says ${expectedCrc}, bytes give ${actualCrc}` }
  }
  if (header.recordsCount <= 0 || header.lastOffsetDelta + 1 !== header.recordsCount) {
    return {
      kind: 'INVALID_RECORD',
      message: `inconsistent batch: ${header.recordsCount} records but lastOffsetDelta ${header.lastOffsetDelta}`
    }
  }
  if ((header.attributes & Attributes.control) !== 0) {
    return { kind: 'INVALID_RECORD', message: 'clients may not produce control batches' }
  }
  const compression = header.attributes & Attributes.compressionMask
  if (compression > CompressionType.zstd) {
    return { kind: 'CORRUPT_MESSAGE', message: `unknown compression type ${compression}` }
  }
  return header
}

export function isBatchProblem (value: BatchHeader | BatchProblem): value is BatchProblem {
  return 'kind' in value
}

/**
 * message.timestamp.type=LogAppendTime: the broker stamps the batch. This changes bytes covered by
 * the CRC, so the CRC is recomputed (once, at produce time; stored bytes are final afterwards).
 */
export function stampLogAppendTime (batch: Buffer, nowMs: number): void {
  const attributes = batch.readInt16BE(Offsets.attributes) | Attributes.logAppendTime
  batch.writeInt16BE(attributes, Offsets.attributes)
  batch.writeBigInt64BE(BigInt(nowMs), Offsets.maxTimestamp)
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc)
}

/**
 * Writes the offsets the Catalog assigned into the batches stored back to back in `bytes`, the
 * first of which starts at `baseOffset`. baseOffset is outside the CRC and record offsets are
 * deltas, so this is the whole patch. Returns the offset after the last batch.
 */
export function patchBaseOffsets (bytes: Buffer, baseOffset: number): number {
  let position = 0
  let nextOffset = baseOffset
  while (position + BATCH_HEADER_SIZE <= bytes.length) {
    bytes.writeBigInt64BE(BigInt(nextOffset), position + Offsets.baseOffset)
    nextOffset += bytes.readInt32BE(position + Offsets.lastOffsetDelta) + 1
    position += bytes.readInt32BE(position + Offsets.batchLength) + BATCH_LENGTH_PREFIX
  }
  return nextOffset
}

/**
 * From batches stored back to back, the first starting at `baseOffset`, keeps those holding
 * offsets at or after `fetchOffset`, up to `maxBytes` (the first kept batch whatever its size when
 * `isFirst`, so a consumer always progresses), and none starting at or after `endOffset` (a
 * read_committed read stops at the last stable offset). `isCut` tells that either limit stopped it.
 */
export function sliceBatches (
  bytes: Buffer, baseOffset: number, fetchOffset: number, maxBytes: number, isFirst: boolean, endOffset = Infinity
): { bytes: Buffer, isCut: boolean } {
  let position = 0
  let nextOffset = baseOffset
  let start = -1
  while (position + BATCH_HEADER_SIZE <= bytes.length) {
    if (nextOffset >= endOffset) return { bytes: start === -1 ? bytes.subarray(0, 0) : bytes.subarray(start, position), isCut: true }
    const size = bytes.readInt32BE(position + Offsets.batchLength) + BATCH_LENGTH_PREFIX
    const lastOffset = nextOffset + bytes.readInt32BE(position + Offsets.lastOffsetDelta)
    if (start === -1 && lastOffset >= fetchOffset) start = position
    if (start !== -1 && position + size - start > maxBytes && !(isFirst && position === start)) {
      return { bytes: bytes.subarray(start, position), isCut: true }
    }
    nextOffset = lastOffset + 1
    position += size
  }
  return { bytes: start === -1 ? bytes.subarray(0, 0) : bytes.subarray(start, position), isCut: false }
}

function readVarint (bytes: Buffer, position: number): { value: number, next: number } | undefined {
  let result = 0
  let shift = 0
  for (let index = position; index < bytes.length && shift <= 63; index++) {
    const byte = bytes[index]!
    result += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) {
      // zigzag decode without losing precision beyond 32 bits
      const value = result % 2 === 0 ? result / 2 : -(result + 1) / 2
      return { value, next: index + 1 }
    }
  }
  return undefined
}

/**
 * ListOffsets by timestamp inside batches stored back to back (the first at `baseOffset`): the
 * offset and timestamp of the first record, in offset order, with timestamp >= `timestamp`, as
 * Kafka answers. Asked for a batch's maxTimestamp, this is the first record holding it, which is
 * what MAX_TIMESTAMP (-3) wants. Compressed records are decompressed to be walked. LogAppendTime
 * batches give every record the batch's maxTimestamp, so their first offset is the answer; so is
 * it for a batch whose records cannot be decompressed (a client may store garbage under a valid
 * CRC, or a bomb): an offset at or before the exact one, so a consumer seeking there misses nothing.
 */
export function findOffsetForTimestamp (
  bytes: Buffer, baseOffset: number, timestamp: number
): { offset: number, timestamp: number } | undefined {
  let position = 0
  let nextOffset = baseOffset
  while (position + BATCH_HEADER_SIZE <= bytes.length) {
    const header = readBatchHeader(bytes, position)
    const batchBase = nextOffset
    nextOffset += header.lastOffsetDelta + 1
    if (header.maxTimestamp >= timestamp) {
      const isLogAppendTime = (header.attributes & Attributes.logAppendTime) !== 0
      const batch = bytes.subarray(position, position + header.size)
      const records = isLogAppendTime ? undefined : batchRecords(batch, header)
      if (records === undefined) return { offset: batchBase, timestamp: header.maxTimestamp }
      const found = scanRecords(records, header.baseTimestamp, timestamp)
      if (found !== undefined) return { offset: batchBase + found.offsetDelta, timestamp: found.timestamp }
    }
    position += header.size
  }
  return undefined
}

/** The records section of one batch, decompressed if need be; undefined if it cannot be. */
function batchRecords (batch: Buffer, header: BatchHeader): Buffer | undefined {
  const records = batch.subarray(BATCH_HEADER_SIZE)
  const compression = header.attributes & Attributes.compressionMask
  if (compression === CompressionType.none) return records
  try {
    return decompress(compression, records, MAX_DECOMPRESSED_RECORDS_BYTES)
  } catch (error) {
    if (error instanceof DecompressionError) return undefined
    throw error
  }
}

/** Walks uncompressed records: length, attributes, timestampDelta, offsetDelta (varints). */
function scanRecords (records: Buffer, baseTimestamp: number, timestamp: number): { offsetDelta: number, timestamp: number } | undefined {
  let position = 0
  while (position < records.length) {
    const length = readVarint(records, position)
    if (length === undefined || length.value <= 0) return undefined
    const timestampDelta = readVarint(records, length.next + 1)
    if (timestampDelta === undefined) return undefined
    const offsetDelta = readVarint(records, timestampDelta.next)
    if (offsetDelta === undefined) return undefined
    if (baseTimestamp + timestampDelta.value >= timestamp) {
      return { offsetDelta: offsetDelta.value, timestamp: baseTimestamp + timestampDelta.value }
    }
    position = length.next + length.value
  }
  return undefined
}
