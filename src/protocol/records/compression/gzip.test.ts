import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { BATCH_HEADER_SIZE, CompressionType } from '../record-batch.ts'
import { decompress } from './index.ts'
import {
  decompressionErrorOf, expectedParsedRecords, FIXTURE_CLIENTS, parseRecords, readFixtureBatch
} from '../../../../test/fixtures/batches/fixture-records.ts'

const MiB = 1024 * 1024

for (const client of FIXTURE_CLIENTS) {
  test(`gzip: the records of a batch ${client} produced decompress to the records it sent`, () => {
    const records = decompress(CompressionType.gzip, readFixtureBatch(client, 'gzip').subarray(BATCH_HEADER_SIZE), 64 * MiB)
    assert.deepEqual(parseRecords(records), expectedParsedRecords())
  })
}

test('gzip: a bomb stops at maxOutputBytes with an error saying the output is too large', () => {
  const bomb = gzipSync(Buffer.alloc(32 * MiB))
  assert.ok(bomb.length < 64 * 1024)
  assert.throws(() => decompress(CompressionType.gzip, bomb, MiB), decompressionErrorOf('gzip', true))
  assert.equal(decompress(CompressionType.gzip, bomb, 32 * MiB).length, 32 * MiB)
})

test('gzip: truncated or corrupted streams throw a DecompressionError naming gzip', () => {
  const compressed = readFixtureBatch('kafka-python', 'gzip').subarray(BATCH_HEADER_SIZE)
  assert.throws(() => decompress(CompressionType.gzip, compressed.subarray(0, compressed.length - 20), MiB), decompressionErrorOf('gzip', false))
  const corrupted = Buffer.from(compressed)
  corrupted[40]! ^= 0xff
  assert.throws(() => decompress(CompressionType.gzip, corrupted, MiB), decompressionErrorOf('gzip', false))
  assert.throws(() => decompress(CompressionType.gzip, Buffer.from('not gzip at all'), MiB), decompressionErrorOf('gzip', false))
})
