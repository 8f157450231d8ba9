import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BATCH_HEADER_SIZE, CompressionType } from '../record-batch.ts'
import { decompress, DecompressionError } from './index.ts'
import {
  FIXTURE_CLIENTS, FIXTURE_CODECS, LZ4_LINKED_RECORDS_FILE, readFixture, readFixtureBatch, SNAPPY_JAVA_RECORDS_FILE
} from '../../../../test/fixtures/batches/fixture-records.ts'
import { seededRandom } from '../../../../test/helpers/random.ts'

const MiB = 1024 * 1024

test('codec ids other than gzip, snappy, lz4 and zstd are refused with a DecompressionError', () => {
  for (const codec of [0, 5, 7, -1]) {
    assert.throws(() => decompress(codec, Buffer.from('abc'), MiB), (error: unknown) =>
      error instanceof DecompressionError && error.message.includes(`codec ${codec}`))
  }
})

test('maxOutputBytes must be a positive integer', () => {
  for (const maxOutputBytes of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => decompress(CompressionType.gzip, Buffer.alloc(10), maxOutputBytes), RangeError)
  }
})

test('random bytes and mutated real payloads only ever throw DecompressionError, for every codec', () => {
  const random = seededRandom(20261125)
  const byte = (): number => Math.floor(random() * 256)
  const samples = new Map<number, Buffer[]>()
  for (const codec of FIXTURE_CODECS) {
    samples.set(CompressionType[codec], FIXTURE_CLIENTS.map(client => readFixtureBatch(client, codec).subarray(BATCH_HEADER_SIZE)))
  }
  samples.get(CompressionType.snappy)!.push(readFixture(SNAPPY_JAVA_RECORDS_FILE))
  samples.get(CompressionType.lz4)!.push(readFixture(LZ4_LINKED_RECORDS_FILE))
  let decoded = 0
  let refused = 0
  for (const [codec, payloads] of samples) {
    const inputs: Buffer[] = []
    for (let index = 0; index < 300; index++) {
      inputs.push(Buffer.from(Array.from({ length: Math.floor(random() * 200) }, byte)))
    }
    for (const payload of payloads) {
      // Keep the magic and headers intact more often than not, so mutations reach the block decoders.
      for (let index = 0; index < 300; index++) {
        const mutated = Buffer.from(payload)
        const flips = 1 + Math.floor(random() * 4)
        for (let flip = 0; flip < flips; flip++) mutated[Math.floor(random() * mutated.length)] = byte()
        inputs.push(random() < 0.2 ? mutated.subarray(0, Math.floor(random() * mutated.length)) : mutated)
      }
    }
    for (const input of inputs) {
      try {
        decompress(codec, input, MiB)
        decoded++
      } catch (error) {
        if (!(error instanceof DecompressionError)) throw new Error(`codec ${codec} threw ${String(error)} for ${input.toString('hex')}`)
        refused++
      }
    }
  }
  assert.ok(refused > 0 && decoded + refused === 4 * 300 + 10 * 300)
})
