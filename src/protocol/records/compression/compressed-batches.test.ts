// findOffsetForTimestamp (ListOffsets by timestamp and MAX_TIMESTAMP) on compressed batches that
// real clients produced: exact record offsets, as Kafka answers, and the fallbacks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { buildRecordBatch } from '../record-batch-builder.ts'
import { crc32c } from '../crc32c.ts'
import {
  BATCH_HEADER_SIZE, BATCH_LENGTH_PREFIX, CompressionType, findOffsetForTimestamp, isBatchProblem, Offsets, readBatchHeader,
  stampLogAppendTime, validateProducedBatch
} from '../record-batch.ts'
import {
  FIXTURE_BASE_TIMESTAMP, FIXTURE_CLIENTS, FIXTURE_CODECS, readFixtureBatch
} from '../../../../test/fixtures/batches/fixture-records.ts'

const T = FIXTURE_BASE_TIMESTAMP
/** Where the tests pretend the captured batch is stored; its records have timestamps T + [0, 10, 30, 20, 30, 5]. */
const BASE_OFFSET = 100

/** The batch with its records section replaced (and the compression codec set), length and CRC fixed. */
function withRecords (batch: Buffer, codec: number, records: Buffer): Buffer {
  const rebuilt = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), records])
  rebuilt.writeInt32BE(rebuilt.length - BATCH_LENGTH_PREFIX, Offsets.batchLength)
  rebuilt.writeInt16BE((rebuilt.readInt16BE(Offsets.attributes) & ~0x07) | codec, Offsets.attributes)
  rebuilt.writeUInt32BE(crc32c(rebuilt.subarray(Offsets.attributes)), Offsets.crc)
  return rebuilt
}

for (const client of FIXTURE_CLIENTS) {
  for (const codec of FIXTURE_CODECS) {
    test(`ListOffsets by timestamp finds the exact record inside a ${codec} batch ${client} produced`, () => {
      const batch = readFixtureBatch(client, codec)
      assert.ok(!isBatchProblem(validateProducedBatch(batch)))
      assert.equal(readBatchHeader(batch).maxTimestamp, T + 30)
      assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T - 1000), { offset: 100, timestamp: T })
      assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T + 1), { offset: 101, timestamp: T + 10 })
      assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T + 15), { offset: 102, timestamp: T + 30 })
      assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T + 25), { offset: 102, timestamp: T + 30 })
      assert.equal(findOffsetForTimestamp(batch, BASE_OFFSET, T + 31), undefined)
    })

    test(`MAX_TIMESTAMP answers the first record holding the max inside a ${codec} batch ${client} produced`, () => {
      const batch = readFixtureBatch(client, codec)
      // T + 30 is held by offsets 102 and 104; Kafka answers the first.
      assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, readBatchHeader(batch).maxTimestamp), { offset: 102, timestamp: T + 30 })
    })
  }
}

test('a compressed batch after an uncompressed one: the walk goes on into the compressed records', () => {
  const older = buildRecordBatch({ records: [{ value: Buffer.from('a') }, { value: Buffer.from('b'), timestampDelta: 5 }], baseTimestamp: T - 100 })
  const stored = Buffer.concat([older, readFixtureBatch('confluent-kafka', 'zstd')])
  assert.deepEqual(findOffsetForTimestamp(stored, 10, T - 98), { offset: 11, timestamp: T - 95 })
  assert.deepEqual(findOffsetForTimestamp(stored, 10, T - 50), { offset: 12, timestamp: T })
  assert.deepEqual(findOffsetForTimestamp(stored, 10, T + 21), { offset: 14, timestamp: T + 30 })
})

test('a LogAppendTime compressed batch answers its first offset with the append time', () => {
  const batch = Buffer.from(readFixtureBatch('kafka-python', 'lz4'))
  stampLogAppendTime(batch, T + 5000)
  assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T + 20), { offset: 100, timestamp: T + 5000 })
  assert.deepEqual(findOffsetForTimestamp(batch, BASE_OFFSET, T + 5000), { offset: 100, timestamp: T + 5000 })
})

test('a compressed batch whose records cannot be decompressed, or are a bomb, answers its first offset', () => {
  const batch = readFixtureBatch('confluent-kafka', 'gzip')
  const garbage = withRecords(batch, CompressionType.snappy, Buffer.from('definitely not snappy'))
  assert.ok(!isBatchProblem(validateProducedBatch(garbage)), 'the CRC is valid: only decompression can tell')
  assert.deepEqual(findOffsetForTimestamp(garbage, BASE_OFFSET, T + 15), { offset: 100, timestamp: T + 30 })
  const bomb = withRecords(batch, CompressionType.gzip, gzipSync(Buffer.alloc(80 * 1024 * 1024)))
  assert.deepEqual(findOffsetForTimestamp(bomb, BASE_OFFSET, T + 15), { offset: 100, timestamp: T + 30 })
})
