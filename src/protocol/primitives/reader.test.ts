import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DecodeError, Reader, ZERO_UUID, readInt32, readCompactString } from './reader.ts'

function reader (hex: string): Reader {
  return new Reader(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
}

test('reads fixed-size integers big-endian', () => {
  const r = reader('ff 8000 7fffffff ffff fffffffe 3ff8000000000000 01 00 02')
  assert.equal(r.int8(), -1)
  assert.equal(r.int16(), -32768)
  assert.equal(r.int32(), 2147483647)
  assert.equal(r.uint16(), 65535)
  assert.equal(r.uint32(), 4294967294)
  assert.equal(r.float64(), 1.5)
  assert.equal(r.bool(), true)
  assert.equal(r.bool(), false)
  assert.equal(r.bool(), true, 'any non-zero byte is true, as in Kafka')
  assert.equal(r.remaining, 0)
})

test('reads int64 as a number, exact within 2^53 and rounded like Number(bigint) beyond', () => {
  const values = [
    0n, -1n, 1n, 2n ** 32n, -(2n ** 32n) - 1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 63n - 1n, -(2n ** 63n),
    1234567890123456789n
  ]
  const buffer = Buffer.alloc(values.length * 8)
  values.forEach((value, index) => buffer.writeBigInt64BE(value, index * 8))
  const r = new Reader(buffer)
  for (const value of values) assert.equal(r.int64(), Number(value))
})

test('reads uuids in dashed lowercase form', () => {
  assert.equal(reader('00'.repeat(16)).uuid(), ZERO_UUID)
  assert.equal(reader('0123456789ABCDEF0123456789abcdef').uuid(), '01234567-89ab-cdef-0123-456789abcdef')
})

test('reads unsigned varints of up to 5 bytes and rejects longer or overflowing ones', () => {
  assert.equal(reader('00').uvarint(), 0)
  assert.equal(reader('7f').uvarint(), 127)
  assert.equal(reader('8001').uvarint(), 128)
  assert.equal(reader('ffffffff0f').uvarint(), 4294967295)
  assert.throws(() => reader('ffffffff10').uvarint(), DecodeError)
  assert.throws(() => reader('8080808080 00').uvarint(), DecodeError)
  assert.throws(() => reader('80').uvarint(), DecodeError)
  assert.throws(() => reader('').uvarint(), DecodeError)
})

test('reads zigzag varints and varlongs', () => {
  assert.equal(reader('00').varint(), 0)
  assert.equal(reader('01').varint(), -1)
  assert.equal(reader('02').varint(), 1)
  assert.equal(reader('feffffff0f').varint(), 2147483647)
  assert.equal(reader('ffffffff0f').varint(), -2147483648)
  assert.equal(reader('01').varlong(), -1)
  assert.equal(reader('feffffffffffffffff01').varlong(), Number(2n ** 63n - 1n))
  assert.equal(reader('ffffffffffffffffff01').varlong(), Number(-(2n ** 63n)))
  assert.equal(reader('8080808080808080808001').remaining, 11)
  assert.throws(() => reader('8080808080808080808001').varlong(), DecodeError)
  assert.throws(() => reader('ffffffffffffffffff02').varlong(), DecodeError)
})

test('reads classic and compact strings, with null where nullable', () => {
  assert.equal(reader('0002 6869').string(), 'hi')
  assert.equal(reader('ffff').nullableString(), null)
  assert.equal(reader('03 6869').compactString(), 'hi')
  assert.equal(reader('00').compactNullableString(), null)
  assert.equal(reader('0004 f09f9880').string(), '\u{1f600}')
  assert.throws(() => reader('ffff').string(), DecodeError)
  assert.throws(() => reader('fffe').nullableString(), DecodeError)
  assert.throws(() => reader('00').compactString(), DecodeError)
  assert.throws(() => reader('0005 6869').string(), DecodeError)
  assert.throws(() => reader('06 6869').compactString(), DecodeError)
})

test('bytes and records are views of the input, not copies', () => {
  const buffer = Buffer.from('00000003aabbcc04010203', 'hex')
  const r = new Reader(buffer)
  const bytes = r.bytes()
  assert.equal(bytes.toString('hex'), 'aabbcc')
  assert.equal(bytes.buffer, buffer.buffer)
  assert.equal(bytes.byteOffset, buffer.byteOffset + 4)
  const records = r.compactRecords()
  assert.equal(records?.toString('hex'), '010203')
  assert.equal(records?.buffer, buffer.buffer)
  assert.equal(reader('ffffffff').records(), null)
  assert.equal(reader('00').compactRecords(), null)
  assert.throws(() => reader('fffffffe').nullableBytes(), DecodeError)
  assert.throws(() => reader('7fffffff 00').bytes(), DecodeError)
})

test('array lengths are checked against the remaining bytes before anything is allocated', () => {
  assert.deepEqual(reader('00000002 00000001 00000002').array(readInt32), [1, 2])
  assert.deepEqual(reader('03 026101 026202').compactArray(readCompactString).length, 2)
  assert.equal(reader('ffffffff').nullableArray(readInt32), null)
  assert.equal(reader('00').compactNullableArray(readInt32), null)
  assert.throws(() => reader('ffffffff').array(readInt32), DecodeError)
  assert.throws(() => reader('fffffffe').nullableArray(readInt32), DecodeError)
  assert.throws(() => reader('7fffffff 00').array(readInt32), DecodeError)
  assert.throws(() => reader('ffffffff0f 00').compactArray(readInt32), DecodeError)
  assert.throws(() => reader('00000002 00000001').array(readInt32), DecodeError)
})

test('tagged fields: skipping a section, and bounding a known field by its size', () => {
  const r = reader('02 00 02 abcd 05 00 ee')
  r.skipTaggedFields()
  assert.equal(r.int8(), -18)
  const known = reader('04 0000002a 99')
  const end = known.taggedFieldEnd()
  assert.equal(known.int16(), 0)
  known.endTaggedField(end)
  assert.equal(known.int8(), -103, 'unread bytes of a known field are skipped')
  const overrun = reader('01 00000001')
  const overrunEnd = overrun.taggedFieldEnd()
  overrun.int32()
  assert.throws(() => overrun.endTaggedField(overrunEnd), DecodeError)
  assert.throws(() => reader('01 00 05 00').skipTaggedFields(), DecodeError)
  assert.throws(() => reader('09 00').taggedFieldEnd(), DecodeError)
})

test('every read past the end throws DecodeError', () => {
  const empty = new Reader(Buffer.alloc(0))
  for (const read of [
    () => empty.int8(), () => empty.int16(), () => empty.int32(), () => empty.int64(), () => empty.uint16(),
    () => empty.uint32(), () => empty.float64(), () => empty.bool(), () => empty.uuid(), () => empty.raw(1),
    () => empty.string(), () => empty.bytes(), () => empty.records(), () => empty.arrayLength()
  ]) {
    assert.throws(read, DecodeError)
  }
  assert.throws(() => empty.raw(-1), DecodeError)
})

test('reads from a starting offset', () => {
  const r = new Reader(Buffer.from('ffff0007', 'hex'), 2)
  assert.equal(r.int16(), 7)
  assert.equal(r.offset, 4)
})
