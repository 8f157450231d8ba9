import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writer } from './writer.ts'
import { Reader } from './reader.ts'

function hexOf (write: (writer: Writer) => void, scratchSize?: number): string {
  const writer = new Writer(scratchSize)
  write(writer)
  return writer.toBuffer().toString('hex')
}

test('writes fixed-size values big-endian', () => {
  assert.equal(hexOf(w => {
    w.int8(-1)
    w.int16(-32768)
    w.int32(2147483647)
    w.uint16(65535)
    w.uint32(4294967294)
    w.float64(1.5)
    w.bool(true)
    w.bool(false)
  }), 'ff80007fffffffffff' + 'fffffffe' + '3ff8000000000000' + '0100')
})

test('writes int64 from numbers, through BigInt beyond 2^53', () => {
  const values = [
    0, -1, 1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 62, -(2 ** 63), 1.9
  ]
  const writer = new Writer()
  for (const value of values) writer.int64(value)
  const buffer = writer.toBuffer()
  values.forEach((value, index) => assert.equal(buffer.readBigInt64BE(index * 8), BigInt(Math.trunc(value))))
})

test('writes uuids from dashed strings in either case and refuses malformed ones', () => {
  assert.equal(hexOf(w => w.uuid('01234567-89AB-cdef-0123-456789abcdef')), '0123456789abcdef0123456789abcdef')
  assert.throws(() => new Writer().uuid('0123456789abcdef0123456789abcdef'), TypeError)
  assert.throws(() => new Writer().uuid('01234567-89ab-cdef-0123-456789abcdeg'), TypeError)
})

test('writes varints as Kafka does, and they read back', () => {
  assert.equal(hexOf(w => w.uvarint(0)), '00')
  assert.equal(hexOf(w => w.uvarint(300)), 'ac02')
  assert.equal(hexOf(w => w.uvarint(4294967295)), 'ffffffff0f')
  assert.equal(hexOf(w => w.varint(-1)), '01')
  assert.equal(hexOf(w => w.varint(-2147483648)), 'ffffffff0f')
  assert.equal(hexOf(w => w.varlong(Number(-(2n ** 63n)))), 'ffffffffffffffffff01')
  assert.throws(() => new Writer().uvarint(-1), RangeError)
  assert.throws(() => new Writer().uvarint(2 ** 32), RangeError)
  const ints = [0, 1, -1, 63, -64, 64, 1000, -1000, 2 ** 31 - 1, -(2 ** 31)]
  const longs = [
    ...ints, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 30, -(2 ** 30) - 1
  ]
  const writer = new Writer(16)
  for (const value of ints) writer.varint(value)
  for (const value of longs) writer.varlong(value)
  const reader = new Reader(writer.toBuffer())
  for (const value of ints) assert.equal(reader.varint(), value)
  for (const value of longs) assert.equal(reader.varlong(), value)
  assert.equal(reader.remaining, 0)
})

test('writes classic and compact strings, short and long, ASCII and not', () => {
  assert.equal(hexOf(w => w.string('hi')), '00026869')
  assert.equal(hexOf(w => w.nullableString(null)), 'ffff')
  assert.equal(hexOf(w => w.compactString('hi')), '036869')
  assert.equal(hexOf(w => w.compactNullableString(null)), '00')
  assert.equal(hexOf(w => w.compactString('\u{1f600}')), '05f09f9880')
  const long = 'é'.repeat(100)
  const writer = new Writer(32)
  writer.compactString(long)
  writer.string(long)
  writer.compactString('x'.repeat(41))
  const reader = new Reader(writer.toBuffer())
  assert.equal(reader.compactString(), long)
  assert.equal(reader.string(), long)
  assert.equal(reader.compactString(), 'x'.repeat(41))
  assert.throws(() => new Writer().string('x'.repeat(32768)), RangeError)
})

test('grows past its scratch buffer and keeps the total length', () => {
  const writer = new Writer(16)
  for (let i = 0; i < 1000; i++) writer.int32(i)
  writer.raw(Buffer.alloc(100, 9))
  assert.equal(writer.length, 4100)
  const buffer = writer.toBuffer()
  assert.equal(buffer.length, 4100)
  assert.equal(buffer.readInt32BE(999 * 4), 999)
})

test('record chunks are appended without copying, and writing continues after them', () => {
  const chunk = Buffer.alloc(1000, 1)
  const writer = new Writer()
  writer.int16(7)
  writer.records([chunk, Buffer.alloc(0), chunk])
  writer.int16(8)
  writer.compactRecords(chunk)
  writer.records(null)
  writer.compactRecords(null)
  const chunks = writer.toChunks()
  assert.equal(chunks.filter(item => item === chunk).length, 3)
  assert.equal(writer.length, chunks.reduce((sum, item) => sum + item.length, 0))
  const reader = new Reader(writer.toBuffer())
  assert.equal(reader.int16(), 7)
  assert.equal(reader.records()?.length, 2000)
  assert.equal(reader.int16(), 8)
  assert.ok(reader.compactRecords()?.equals(chunk))
  assert.equal(reader.records(), null)
  assert.equal(reader.compactRecords(), null)
  assert.equal(reader.remaining, 0)
})

test('bytes are copied into the scratch buffer, with their length prefix', () => {
  assert.equal(hexOf(w => w.bytes(Buffer.from('abcd', 'hex'))), '00000002abcd')
  assert.equal(hexOf(w => w.nullableBytes(null)), 'ffffffff')
  assert.equal(hexOf(w => w.compactBytes(Buffer.from('abcd', 'hex'))), '03abcd')
  assert.equal(hexOf(w => w.compactNullableBytes(null)), '00')
})

test('array lengths: -1 or 0 for null', () => {
  assert.equal(hexOf(w => w.arrayLength([1, 2])), '00000002')
  assert.equal(hexOf(w => w.arrayLength(null)), 'ffffffff')
  assert.equal(hexOf(w => w.compactArrayLength([1, 2])), '03')
  assert.equal(hexOf(w => w.compactArrayLength(null)), '00')
})

test('a nested writer is appended with its size first', () => {
  const writer = new Writer()
  const nested = writer.nested()
  nested.int32(5)
  nested.writeChunks([Buffer.alloc(600, 3)])
  writer.int8(1)
  writer.writeSized(nested)
  const buffer = writer.toBuffer()
  assert.equal(buffer.length, 1 + 2 + 604)
  assert.equal(buffer.subarray(0, 7).toString('hex'), '01dc0400000005')
})

test('toChunks can be called while writing goes on', () => {
  const writer = new Writer()
  writer.int8(1)
  assert.equal(Buffer.concat(writer.toChunks()).toString('hex'), '01')
  writer.int8(2)
  assert.equal(Buffer.concat(writer.toChunks()).toString('hex'), '0102')
  assert.equal(new Writer().toBuffer().length, 0)
})
