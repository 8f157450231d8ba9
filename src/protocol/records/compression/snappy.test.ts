import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compressSync } from 'snappy'
import { BATCH_HEADER_SIZE, CompressionType } from '../record-batch.ts'
import { decompress } from './index.ts'
import {
  decompressionErrorOf, expectedParsedRecords, parseRecords, readFixture, readFixtureBatch, SNAPPY_JAVA_RECORDS_FILE
} from '../../../../test/fixtures/batches/fixture-records.ts'

const MiB = 1024 * 1024
/** \x82SNAPPY\x00, version 1, compatible version 1. */
const XERIAL_HEADER = Buffer.from('82534e41505059000000000100000001', 'hex')

/** The xerial framing around raw snappy blocks, as snappy-java writes it. */
function xerial (blocks: Buffer[]): Buffer {
  return Buffer.concat([XERIAL_HEADER, ...blocks.flatMap(block => {
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    return [length, block]
  })])
}

const snappyRecords = (client: string): Buffer => readFixtureBatch(client, 'snappy').subarray(BATCH_HEADER_SIZE)

test('snappy: librdkafka writes one raw snappy block, which decompresses to the records it sent', () => {
  const compressed = snappyRecords('confluent-kafka')
  assert.notEqual(compressed[0], 0x82, 'no xerial header')
  assert.deepEqual(parseRecords(decompress(CompressionType.snappy, compressed, 64 * MiB)), expectedParsedRecords())
})

test('snappy: kafka-python and snappy-java write the xerial framing in several blocks, which decompresses to the records sent', () => {
  for (const compressed of [snappyRecords('kafka-python'), readFixture(SNAPPY_JAVA_RECORDS_FILE)]) {
    assert.ok(compressed.subarray(0, 8).equals(XERIAL_HEADER.subarray(0, 8)), 'xerial header')
    assert.ok(16 + 4 + compressed.readInt32BE(16) < compressed.length, 'more than one block')
    assert.deepEqual(parseRecords(decompress(CompressionType.snappy, compressed, 64 * MiB)), expectedParsedRecords())
  }
})

test('snappy: a block whose length preamble is past the limit is refused before it is decompressed', () => {
  const block = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]) // preamble 1 GiB, then nothing
  assert.throws(() => decompress(CompressionType.snappy, block, 64 * MiB), decompressionErrorOf('snappy', true))
  assert.throws(() => decompress(CompressionType.snappy, xerial([block]), 64 * MiB), decompressionErrorOf('snappy', true))
})

test('snappy: a bomb stops at maxOutputBytes, in one raw block or across xerial blocks', () => {
  assert.throws(() => decompress(CompressionType.snappy, compressSync(Buffer.alloc(16 * MiB)), MiB), decompressionErrorOf('snappy', true))
  const blocks = Array.from({ length: 8 }, () => compressSync(Buffer.alloc(MiB / 2)))
  assert.throws(() => decompress(CompressionType.snappy, xerial(blocks), 3 * MiB), decompressionErrorOf('snappy', true))
  assert.equal(decompress(CompressionType.snappy, xerial(blocks), 4 * MiB).length, 4 * MiB)
})

test('snappy: garbage, a cut xerial block or a block shorter than its preamble throw a DecompressionError naming snappy', () => {
  const framed = snappyRecords('kafka-python')
  assert.throws(() => decompress(CompressionType.snappy, framed.subarray(0, framed.length - 7), MiB * 64), decompressionErrorOf('snappy', false))
  assert.throws(() => decompress(CompressionType.snappy, framed.subarray(0, 18), MiB * 64), decompressionErrorOf('snappy', false))
  const raw = snappyRecords('confluent-kafka')
  assert.throws(() => decompress(CompressionType.snappy, raw.subarray(0, raw.length - 7), MiB * 64), decompressionErrorOf('snappy', false))
  assert.throws(() => decompress(CompressionType.snappy, Buffer.alloc(0), MiB), decompressionErrorOf('snappy', false))
  assert.throws(() => decompress(CompressionType.snappy, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), MiB), decompressionErrorOf('snappy', false))
  assert.throws(() => decompress(CompressionType.snappy, Buffer.from([0x10, 0x0f, 0x61, 0x62]), MiB), decompressionErrorOf('snappy', false))
})
