import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BATCH_HEADER_SIZE, CompressionType } from '../record-batch.ts'
import { decompress } from './index.ts'
import {
  decompressionErrorOf, expectedParsedRecords, FIXTURE_CLIENTS, parseRecords, readFixtureBatch
} from '../../../../test/fixtures/batches/fixture-records.ts'

const MiB = 1024 * 1024
const KiB = 1024
const FRAME_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
/** Window descriptor for a 128 KiB window: exponent 17 - 10, no mantissa. */
const WINDOW_128_KIB = 7 << 3

/**
 * A zstd frame of `blockCount` RLE blocks, each 4 bytes that regenerate `blockBytes` copies of
 * 'a': the cheapest bomb the format allows. `header` replaces the frame header descriptor and
 * what follows it.
 */
function rleFrame (blockCount: number, blockBytes = 128 * KiB, header = Buffer.from([0x00, WINDOW_128_KIB])): Buffer {
  const blocks = Array.from({ length: blockCount }, (_, index) => {
    const block = Buffer.alloc(4)
    block.writeUIntLE((blockBytes << 3) | (1 << 1) | (index === blockCount - 1 ? 1 : 0), 0, 3)
    block[3] = 0x61
    return block
  })
  return Buffer.concat([FRAME_MAGIC, header, ...blocks])
}

const zstdRecords = (client: string): Buffer => readFixtureBatch(client, 'zstd').subarray(BATCH_HEADER_SIZE)

for (const client of FIXTURE_CLIENTS) {
  test(`zstd: the frame ${client} wrote decompresses to the records it sent`, () => {
    assert.deepEqual(parseRecords(decompress(CompressionType.zstd, zstdRecords(client), 64 * MiB)), expectedParsedRecords())
  })
}

test('zstd: librdkafka leaves the content size out and kafka-python writes it; both decode', () => {
  assert.equal(zstdRecords('confluent-kafka')[4]! & 0xe0, 0x00, 'no content size, window descriptor')
  assert.equal(zstdRecords('kafka-python')[4]! & 0x20, 0x20, 'single segment: the content size is the window')
})

test('zstd: RLE blocks decode within the limit and a bomb of them stops at maxOutputBytes', () => {
  assert.ok(decompress(CompressionType.zstd, rleFrame(4), MiB).equals(Buffer.alloc(512 * KiB, 'a')))
  const bomb = rleFrame(1000)
  assert.equal(bomb.length, 4006)
  assert.throws(() => decompress(CompressionType.zstd, bomb, MiB), decompressionErrorOf('zstd', true))
  const twoFrames = Buffer.concat([rleFrame(6), rleFrame(6)])
  assert.throws(() => decompress(CompressionType.zstd, twoFrames, MiB), decompressionErrorOf('zstd', true), 'the count runs across frames')
})

test('zstd: a declared content size past the limit is refused before decoding; so is a window past 128 MiB', () => {
  const contentSize = Buffer.alloc(8)
  contentSize.writeBigUInt64LE(2n ** 40n)
  const declared = rleFrame(1, 128 * KiB, Buffer.concat([Buffer.from([0xc0, WINDOW_128_KIB]), contentSize]))
  assert.throws(() => decompress(CompressionType.zstd, declared, 64 * MiB), decompressionErrorOf('zstd', true))
  const hugeWindow = rleFrame(1, 128 * KiB, Buffer.from([0x00, (31 - 10) << 3]))
  assert.throws(() => decompress(CompressionType.zstd, hugeWindow, 64 * MiB), decompressionErrorOf('zstd', false))
})

test('zstd: bad magic, reserved bits, dictionaries, cut frames and corrupt blocks throw a DecompressionError naming zstd', () => {
  const compressed = zstdRecords('confluent-kafka')
  const variant = (change: (bytes: Buffer) => void): Buffer => {
    const bytes = Buffer.from(compressed)
    change(bytes)
    return bytes
  }
  const malformed = [
    variant(bytes => { bytes[0] = 0x29 }),
    variant(bytes => { bytes[4]! |= 0x08 }),
    variant(bytes => { bytes.fill(0x5a, 12, 80) }),
    rleFrame(1, 128 * KiB, Buffer.from([0x01, WINDOW_128_KIB, 0x07])),
    Buffer.concat([FRAME_MAGIC, Buffer.from([0x00, WINDOW_128_KIB, 0x07, 0x00, 0x00])]),
    compressed.subarray(0, compressed.length - 10),
    compressed.subarray(0, 5),
    rleFrame(3).subarray(0, 13),
    Buffer.alloc(0)
  ]
  for (const bytes of malformed) {
    assert.throws(() => decompress(CompressionType.zstd, bytes, 64 * MiB), decompressionErrorOf('zstd', false), bytes.subarray(0, 12).toString('hex'))
  }
})
