// Builds uncompressed magic-2 record batches. The broker needs this for the batches it writes
// itself (transaction markers) and tests use it; produced batches are never rebuilt.
import { crc32c } from './crc32c.ts'
import { BATCH_HEADER_SIZE, BATCH_LENGTH_PREFIX, Offsets } from './record-batch.ts'

export interface RecordInput {
  key?: Buffer | null
  value: Buffer | null
  headers?: Array<{ key: string, value: Buffer | null }>
  /** Milliseconds after the batch's baseTimestamp. */
  timestampDelta?: number
}

export interface BatchInput {
  records: RecordInput[]
  baseOffset?: number
  baseTimestamp?: number
  attributes?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
}

function varintSize (value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1
  let size = 1
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 128)
    size++
  }
  return size
}

function writeVarint (buffer: Buffer, position: number, value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1
  while (zigzag >= 0x80) {
    buffer[position++] = (zigzag % 128) | 0x80
    zigzag = Math.floor(zigzag / 128)
  }
  buffer[position++] = zigzag
  return position
}

function encodeRecord (record: RecordInput, offsetDelta: number): Buffer {
  const parts: Array<number | Buffer> = [0, record.timestampDelta ?? 0, offsetDelta]
  const pushBytes = (bytes: Buffer | null | undefined): void => {
    if (bytes === null || bytes === undefined) parts.push(-1)
    else parts.push(bytes.length, bytes)
  }
  pushBytes(record.key)
  pushBytes(record.value)
  const headers = record.headers ?? []
  parts.push(headers.length)
  for (const header of headers) {
    pushBytes(Buffer.from(header.key))
    pushBytes(header.value)
  }
  let bodySize = 0
  for (const part of parts) bodySize += typeof part === 'number' ? varintSize(part) : part.length
  // attributes is an int8, not a varint; it is the first part (0) and takes one byte either way.
  const record_ = Buffer.allocUnsafe(varintSize(bodySize) + bodySize)
  let position = writeVarint(record_, 0, bodySize)
  for (const [index, part] of parts.entries()) {
    if (index === 0) record_[position++] = 0
    else if (typeof part === 'number') position = writeVarint(record_, position, part)
    else position += part.copy(record_, position)
  }
  return record_
}

export function buildRecordBatch (input: BatchInput): Buffer {
  const records = input.records.map((record, index) => encodeRecord(record, index))
  const size = BATCH_HEADER_SIZE + records.reduce((sum, record) => sum + record.length, 0)
  const batch = Buffer.alloc(size)
  const baseTimestamp = input.baseTimestamp ?? Date.now()
  const maxDelta = Math.max(0, ...input.records.map(record => record.timestampDelta ?? 0))
  batch.writeBigInt64BE(BigInt(input.baseOffset ?? 0), Offsets.baseOffset)
  batch.writeInt32BE(size - BATCH_LENGTH_PREFIX, Offsets.batchLength)
  batch.writeInt32BE(-1, Offsets.partitionLeaderEpoch)
  batch.writeInt8(2, Offsets.magic)
  batch.writeInt16BE(input.attributes ?? 0, Offsets.attributes)
  batch.writeInt32BE(input.records.length - 1, Offsets.lastOffsetDelta)
  batch.writeBigInt64BE(BigInt(baseTimestamp), Offsets.baseTimestamp)
  batch.writeBigInt64BE(BigInt(baseTimestamp + maxDelta), Offsets.maxTimestamp)
  batch.writeBigInt64BE(BigInt(input.producerId ?? -1), Offsets.producerId)
  batch.writeInt16BE(input.producerEpoch ?? -1, Offsets.producerEpoch)
  batch.writeInt32BE(input.baseSequence ?? -1, Offsets.baseSequence)
  batch.writeInt32BE(input.records.length, Offsets.recordsCount)
  let position = BATCH_HEADER_SIZE
  for (const record of records) position += record.copy(batch, position)
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc)
  return batch
}
