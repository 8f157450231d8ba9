import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compressFrameSync } from 'lz4-napi'
import { BATCH_HEADER_SIZE, CompressionType } from '../record-batch.ts'
import { decompress } from './index.ts'
import {
  decompressionErrorOf, expectedParsedRecords, FIXTURE_CLIENTS, LZ4_LINKED_RECORDS_FILE, parseRecords, readFixture, readFixtureBatch
} from '../../../../test/fixtures/batches/fixture-records.ts'

const MiB = 1024 * 1024
const lz4Records = (client: string): Buffer => readFixtureBatch(client, 'lz4').subarray(BATCH_HEADER_SIZE)
/** Frame magic (4), flags (1), block descriptor (1): where optional fields start. */
const FRAME_DESCRIPTOR_END = 6

for (const client of FIXTURE_CLIENTS) {
  test(`lz4: the frame ${client} wrote (independent 64 KiB blocks) decompresses to the records it sent`, () => {
    const compressed = lz4Records(client)
    assert.equal(compressed[5], 0x40, '64 KiB block maximum')
    assert.deepEqual(parseRecords(decompress(CompressionType.lz4, compressed, 64 * MiB)), expectedParsedRecords())
  })
}

test('lz4: a frame with linked blocks and block and content checksums (python-lz4) decompresses too', () => {
  const compressed = readFixture(LZ4_LINKED_RECORDS_FILE)
  assert.equal(compressed[4]! & 0x34, 0x14, 'linked blocks, block checksums, content checksum')
  assert.deepEqual(parseRecords(decompress(CompressionType.lz4, compressed, 64 * MiB)), expectedParsedRecords())
  const readAsIndependent = Buffer.from(compressed)
  readAsIndependent[4]! |= 0x20
  assert.throws(() => decompress(CompressionType.lz4, readAsIndependent, 64 * MiB), decompressionErrorOf('lz4', false), 'its blocks do refer back')
})

test('lz4: a bomb stops at maxOutputBytes; a declared content size past it is refused before decoding', () => {
  const bomb = compressFrameSync(Buffer.alloc(16 * MiB))
  assert.ok(bomb.length < 128 * 1024)
  assert.throws(() => decompress(CompressionType.lz4, bomb, MiB), decompressionErrorOf('lz4', true))
  assert.equal(decompress(CompressionType.lz4, bomb, 16 * MiB).length, 16 * MiB)

  const declared = Buffer.from(lz4Records('kafka-python'))
  assert.equal(declared[4]! & 0x08, 0x08, 'kafka-python writes the content size')
  declared.writeBigUInt64LE(2n ** 40n, FRAME_DESCRIPTOR_END)
  assert.throws(() => decompress(CompressionType.lz4, declared, 64 * MiB), decompressionErrorOf('lz4', true))
})

test('lz4: bad magic, reserved bits, cut frames, oversized or corrupt blocks throw a DecompressionError naming lz4', () => {
  const compressed = lz4Records('confluent-kafka')
  const variant = (change: (bytes: Buffer) => void): Buffer => {
    const bytes = Buffer.from(compressed)
    change(bytes)
    return bytes
  }
  const firstBlockSize = compressed.readUInt32LE(FRAME_DESCRIPTOR_END + 1)
  const malformed = [
    variant(bytes => { bytes[0] = 0x05 }),
    variant(bytes => { bytes[4]! |= 0x02 }),
    variant(bytes => { bytes[4] = 0x80 | (bytes[4]! & 0x3f) }),
    variant(bytes => { bytes[5] = 0x30 }),
    variant(bytes => { bytes[4]! |= 0x01 }),
    variant(bytes => { bytes.writeUInt32LE(64 * 1024 + 1, FRAME_DESCRIPTOR_END + 1) }),
    variant(bytes => { bytes.fill(0xee, FRAME_DESCRIPTOR_END + 5, FRAME_DESCRIPTOR_END + 5 + firstBlockSize) }),
    compressed.subarray(0, compressed.length - 4),
    compressed.subarray(0, 20),
    compressed.subarray(0, 3),
    Buffer.alloc(0)
  ]
  for (const bytes of malformed) {
    assert.throws(() => decompress(CompressionType.lz4, bytes, 64 * MiB), decompressionErrorOf('lz4', false), bytes.subarray(0, 12).toString('hex'))
  }
})
