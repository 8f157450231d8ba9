// Every message (requests, responses, headers, data) at every version: a value with non-default
// data in every field encodes, decodes to the same value (absent fields at their defaults), and
// re-encodes to the same bytes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import {
  codecsOf, expectedValue, sampleValue, specs, versionsOf, withChunkedRecords, type SampleMode
} from './samples.ts'

function encode (write: (writer: Writer) => void): Buffer {
  const writer = new Writer(64)
  write(writer)
  return writer.toBuffer()
}

for (const spec of specs) {
  test(`${spec.name} round-trips at every version (v${spec.validVersions.min}-${spec.validVersions.max})`, () => {
    const codecs = codecsOf(spec)
    for (const version of versionsOf(spec)) {
      for (const mode of ['values', 'nulls'] satisfies SampleMode[]) {
        for (const seed of [1, 2]) {
          const value = sampleValue(spec, version, mode, seed)
          const label = `${spec.name} v${version} (${mode}, seed ${seed})`
          const bytes = encode(writer => codecs.encode(writer, version, value))
          const reader = new Reader(bytes)
          const decoded = codecs.decode(reader, version)
          assert.equal(reader.offset, bytes.length, `${label}: decoding consumed every byte`)
          assert.deepStrictEqual(decoded, expectedValue(spec.struct, version, value), `${label}: decoded value`)
          const reencoded = encode(writer => codecs.encode(writer, version, decoded))
          assert.ok(reencoded.equals(bytes), `${label}: re-encoding is byte-identical`)
          const chunked = encode(writer => codecs.encode(writer, version, withChunkedRecords(spec.struct, value)))
          assert.ok(chunked.equals(bytes), `${label}: records as chunks encode like one buffer`)
        }
      }
    }
  })
}

test('decoders and encoders refuse versions outside the spec', () => {
  for (const spec of specs) {
    const codecs = codecsOf(spec)
    const tooNew = spec.validVersions.max + 1
    assert.throws(() => codecs.decode(new Reader(Buffer.alloc(64)), tooNew), { name: 'DecodeError' })
    assert.throws(() => codecs.encode(new Writer(), tooNew, {}), RangeError)
  }
})
