import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildRecordBatch } from './record-batch-builder.ts'
import {
  findOffsetForTimestamp, isBatchProblem, patchBaseOffsets, readBatchHeader, sliceBatches, stampLogAppendTime, validateProducedBatch
} from './record-batch.ts'
import { crc32c } from './crc32c.ts'

const records = (count: number) => Array.from({ length: count }, (_, index) => ({
  key: Buffer.from(`k${index}`), value: Buffer.from(`value-${index}`), timestampDelta: index * 10
}))

test('crc32c is the Castagnoli checksum', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283)
})

test('a built batch validates and its header reads back', () => {
  const batch = buildRecordBatch({ records: records(3), baseTimestamp: 1000 })
  const header = validateProducedBatch(batch)
  assert.ok(!isBatchProblem(header))
  assert.equal(header.recordsCount, 3)
  assert.equal(header.lastOffsetDelta, 2)
  assert.equal(header.maxTimestamp, 1020)
  assert.equal(header.size, batch.length)
})

test('a flipped byte in the records fails the CRC with CORRUPT_MESSAGE', () => {
  const batch = buildRecordBatch({ records: records(2) })
  batch[batch.length - 1]! ^= 0xff
  const problem = validateProducedBatch(batch)
  assert.ok(isBatchProblem(problem))
  assert.equal(problem.kind, 'CORRUPT_MESSAGE')
})

test('magic 1 batches are refused as UNSUPPORTED_FOR_MESSAGE_FORMAT', () => {
  const batch = buildRecordBatch({ records: records(1) })
  batch.writeInt8(1, 16)
  const problem = validateProducedBatch(batch)
  assert.ok(isBatchProblem(problem))
  assert.equal(problem.kind, 'UNSUPPORTED_FOR_MESSAGE_FORMAT')
})

test('two batches in one partition, or a count that disagrees with lastOffsetDelta, are INVALID_RECORD', () => {
  const one = buildRecordBatch({ records: records(1) })
  const two = Buffer.concat([one, one])
  const problem = validateProducedBatch(two)
  assert.ok(isBatchProblem(problem))
  assert.equal(problem.kind, 'INVALID_RECORD')
  const inconsistent = buildRecordBatch({ records: records(2) })
  inconsistent.writeInt32BE(5, 57)
  inconsistent.writeUInt32BE(crc32c(inconsistent.subarray(21)), 17)
  const problem2 = validateProducedBatch(inconsistent)
  assert.ok(isBatchProblem(problem2))
  assert.equal(problem2.kind, 'INVALID_RECORD')
})

test('a batch length beyond the bytes sent is CORRUPT_MESSAGE', () => {
  const batch = buildRecordBatch({ records: records(2) })
  const problem = validateProducedBatch(batch.subarray(0, batch.length - 3))
  assert.ok(isBatchProblem(problem))
  assert.equal(problem.kind, 'CORRUPT_MESSAGE')
})

test('patchBaseOffsets numbers batches stored back to back without touching the CRC', () => {
  const first = buildRecordBatch({ records: records(3) })
  const second = buildRecordBatch({ records: records(2) })
  const stored = Buffer.concat([first, second])
  const next = patchBaseOffsets(stored, 100)
  assert.equal(next, 105)
  assert.equal(Number(stored.readBigInt64BE(0)), 100)
  assert.equal(Number(stored.readBigInt64BE(first.length)), 103)
  assert.ok(!isBatchProblem(validateProducedBatch(stored.subarray(first.length))))
})

test('sliceBatches starts at the batch holding the offset and stops at maxBytes, keeping at least one', () => {
  const batches = [buildRecordBatch({ records: records(3) }), buildRecordBatch({ records: records(3) }), buildRecordBatch({ records: records(3) })]
  const stored = Buffer.concat(batches)
  const size = batches[0]!.length
  const fromMiddle = sliceBatches(stored, 10, 14, 10_000, true)
  assert.equal(fromMiddle.bytes.length, 2 * size)
  const tiny = sliceBatches(stored, 10, 10, 1, true)
  assert.equal(tiny.bytes.length, size)
  assert.equal(tiny.isCut, true)
  const notFirst = sliceBatches(stored, 10, 10, 1, false)
  assert.equal(notFirst.bytes.length, 0)
})

test('LogAppendTime stamps maxTimestamp and keeps the CRC valid', () => {
  const batch = buildRecordBatch({ records: records(2), baseTimestamp: 5 })
  stampLogAppendTime(batch, 123456)
  const header = validateProducedBatch(batch)
  assert.ok(!isBatchProblem(header))
  assert.equal(header.maxTimestamp, 123456)
  assert.equal(header.attributes & 0x08, 0x08)
  assert.equal(readBatchHeader(batch).maxTimestamp, 123456)
})

test('findOffsetForTimestamp finds the first record at or after the timestamp', () => {
  const stored = Buffer.concat([
    buildRecordBatch({ records: records(3), baseTimestamp: 1000 }), // 1000, 1010, 1020
    buildRecordBatch({ records: records(3), baseTimestamp: 2000 }) //  2000, 2010, 2020
  ])
  assert.deepEqual(findOffsetForTimestamp(stored, 50, 1005), { offset: 51, timestamp: 1010 })
  assert.deepEqual(findOffsetForTimestamp(stored, 50, 1500), { offset: 53, timestamp: 2000 })
  assert.deepEqual(findOffsetForTimestamp(stored, 50, 2020), { offset: 55, timestamp: 2020 })
  assert.equal(findOffsetForTimestamp(stored, 50, 3000), undefined)
})
