// Decoders fed mutated valid encodings (bit flips, truncation, huge lengths, random spans) may only
// return or throw DecodeError: never a RangeError, a TypeError or an allocation sized by the input.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DecodeError, Reader } from '../../src/protocol/primitives/reader.ts'
import { readRequestHeader } from '../../src/protocol/frame.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import { codecsOf, createRandom, sampleValue, specs, versionsOf, type Decode } from './samples.ts'

const MUTATIONS_PER_VERSION = Number(process.env.SKIFF_FUZZ_MUTATIONS ?? 2000)

// Byte patterns that decode as huge or negative lengths in every length encoding.
const HUGE_LENGTHS = [
  [0x7f, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xfe], [0x80, 0x00, 0x00, 0x00], [0x7f, 0xff], [0xff, 0xfe],
  [0xff, 0xff, 0xff, 0xff, 0x0f], [0xff, 0xff, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0xfe, 0xff, 0xff, 0x07]
]

function mutate (base: Buffer, random: () => number): Buffer {
  const pick = (max: number): number => Math.floor(random() * max)
  const kind = pick(6)
  if (kind === 0 || base.length === 0) {
    // Random bytes of random length.
    const bytes = Buffer.alloc(pick(64))
    for (let i = 0; i < bytes.length; i++) bytes[i] = pick(256)
    return bytes
  }
  if (kind === 1) return base.subarray(0, pick(base.length))
  const copy = Buffer.from(base)
  if (kind === 2) {
    for (let flips = 1 + pick(3); flips > 0; flips--) {
      const position = pick(copy.length)
      copy[position] = (copy[position] as number) ^ (1 << pick(8))
    }
    return copy
  }
  if (kind === 3) {
    const pattern = HUGE_LENGTHS[pick(HUGE_LENGTHS.length)] as number[]
    const position = pick(copy.length)
    for (let i = 0; i < pattern.length && position + i < copy.length; i++) copy[position + i] = pattern[i] as number
    return copy
  }
  if (kind === 4) {
    const position = pick(copy.length)
    const length = 1 + pick(8)
    for (let i = position; i < Math.min(copy.length, position + length); i++) copy[i] = pick(256)
    return copy
  }
  // Insert random bytes in the middle.
  const position = pick(copy.length)
  const inserted = Buffer.alloc(1 + pick(6))
  for (let i = 0; i < inserted.length; i++) inserted[i] = pick(256)
  return Buffer.concat([copy.subarray(0, position), inserted, copy.subarray(position)])
}

function decodeOnly (decode: Decode, input: Buffer, version: number, label: string): void {
  try {
    decode(new Reader(input), version)
  } catch (error) {
    if (!(error instanceof DecodeError)) {
      assert.fail(`${label}: ${String(error)} for input ${input.toString('hex')}`)
    }
  }
}

test('decoders only throw DecodeError on mutated input, for every message and version', () => {
  let decodes = 0
  for (const spec of specs) {
    const { decode, encode } = codecsOf(spec)
    for (const version of versionsOf(spec)) {
      const random = createRandom(version * 1000 + spec.name.length)
      const bases = (['values', 'nulls'] as const).map(mode => {
        const writer = new Writer(256)
        encode(writer, version, sampleValue(spec, version, mode, 3))
        return writer.toBuffer()
      })
      for (let i = 0; i < MUTATIONS_PER_VERSION; i++) {
        const base = bases[i % bases.length] as Buffer
        decodeOnly(decode, mutate(base, random), version, `${spec.name} v${version}`)
        decodes++
      }
    }
  }
  assert.ok(decodes > 1_000_000 || MUTATIONS_PER_VERSION < 2000)
})

test('readRequestHeader only throws DecodeError on random frames', () => {
  const random = createRandom(99)
  for (let i = 0; i < 50_000; i++) {
    const frame = Buffer.alloc(Math.floor(random() * 40))
    for (let j = 0; j < frame.length; j++) frame[j] = Math.floor(random() * 256)
    // Mostly real API keys and versions, so the v2 header path runs too.
    if (frame.length >= 4 && random() < 0.8) {
      frame.writeInt16BE(Math.floor(random() * 80), 0)
      frame.writeInt16BE(Math.floor(random() * 18), 2)
    }
    try {
      readRequestHeader(frame)
    } catch (error) {
      if (!(error instanceof DecodeError)) assert.fail(`${String(error)} for frame ${frame.toString('hex')}`)
    }
  }
})
