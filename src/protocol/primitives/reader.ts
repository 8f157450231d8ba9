// Reads Kafka protocol primitives from a Buffer. Every length is checked against the bytes that
// remain before anything is sliced or allocated, and malformed input throws DecodeError only.

/** Thrown for any malformed input; the broker closes the connection, as Kafka does. */
export class DecodeError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'DecodeError'
  }
}

/** The all-zero uuid, Kafka's default and "no id" value. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

/** Shared zero-length buffer used as the default value of bytes fields. */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0)

const MAX_CLASSIC_STRING_LENGTH = 0x7fff
const TWO_POW_32 = 4294967296

export class Reader {
  readonly buffer: Buffer
  offset: number

  constructor (buffer: Buffer, offset = 0) {
    this.buffer = buffer
    this.offset = offset
  }

  get remaining (): number {
    return this.buffer.length - this.offset
  }

  #need (byteCount: number, what: string): number {
    const start = this.offset
    if (byteCount > this.buffer.length - start) {
      const remaining = this.buffer.length - start
      throw new DecodeError(`${what} needs ${byteCount} bytes at offset ${start}, only ${remaining} remain`)
    }
    this.offset = start + byteCount
    return start
  }

  int8 (): number {
    return this.buffer.readInt8(this.#need(1, 'int8'))
  }

  int16 (): number {
    return this.buffer.readInt16BE(this.#need(2, 'int16'))
  }

  int32 (): number {
    return this.buffer.readInt32BE(this.#need(4, 'int32'))
  }

  /** int64 as a number: exact up to 2^53, rounded to the nearest double beyond (same as Number(bigint)). */
  int64 (): number {
    const start = this.#need(8, 'int64')
    return this.buffer.readInt32BE(start) * TWO_POW_32 + this.buffer.readUInt32BE(start + 4)
  }

  uint16 (): number {
    return this.buffer.readUInt16BE(this.#need(2, 'uint16'))
  }

  uint32 (): number {
    return this.buffer.readUInt32BE(this.#need(4, 'uint32'))
  }

  float64 (): number {
    return this.buffer.readDoubleBE(this.#need(8, 'float64'))
  }

  /** Kafka reads any non-zero byte as true. */
  bool (): boolean {
    return this.buffer[this.#need(1, 'bool')] !== 0
  }

  /** A uuid in dashed lowercase form. */
  uuid (): string {
    const start = this.#need(16, 'uuid')
    const hex = this.buffer.toString('hex', start, start + 16)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  /** Unsigned varint of at most 5 bytes (a uint32). */
  uvarint (): number {
    const buffer = this.buffer
    let offset = this.offset
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (offset >= buffer.length) throw new DecodeError(`truncated varint at offset ${this.offset}`)
      const byte = buffer[offset++] as number
      if (shift === 28 && byte > 0x0f) throw new DecodeError(`varint at offset ${this.offset} overflows 32 bits`)
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) {
        this.offset = offset
        return value
      }
    }
    throw new DecodeError(`varint at offset ${this.offset} is longer than 5 bytes`)
  }

  /** Zigzag-encoded signed varint (an int32). */
  varint (): number {
    const value = this.uvarint()
    return (value >>> 1) ^ -(value & 1)
  }

  /** Unsigned varint of at most 10 bytes, as a number (exact up to 2^53). */
  uvarlong (): number {
    const buffer = this.buffer
    let offset = this.offset
    let value = 0
    for (let shift = 0; shift < 70; shift += 7) {
      if (offset >= buffer.length) throw new DecodeError(`truncated varlong at offset ${this.offset}`)
      const byte = buffer[offset++] as number
      if (shift === 63 && byte > 0x01) throw new DecodeError(`varlong at offset ${this.offset} overflows 64 bits`)
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) {
        this.offset = offset
        return value
      }
    }
    throw new DecodeError(`varlong at offset ${this.offset} is longer than 10 bytes`)
  }

  /** Zigzag-encoded signed varlong (an int64), as a number: exact within 2^53, rounded beyond. */
  varlong (): number {
    const buffer = this.buffer
    let offset = this.offset
    // Accumulate zigzag >> 1 directly, so every safe integer decodes exactly.
    let half = 0
    let isNegative = false
    for (let shift = 0; shift < 70; shift += 7) {
      if (offset >= buffer.length) throw new DecodeError(`truncated varlong at offset ${this.offset}`)
      const byte = buffer[offset++] as number
      if (shift === 63 && byte > 0x01) throw new DecodeError(`varlong at offset ${this.offset} overflows 64 bits`)
      const bits = byte & 0x7f
      if (shift === 0) {
        isNegative = (bits & 1) === 1
        half = bits >>> 1
      } else {
        half += bits * 2 ** (shift - 1)
      }
      if (byte < 0x80) {
        this.offset = offset
        return isNegative ? -half - 1 : half
      }
    }
    throw new DecodeError(`varlong at offset ${this.offset} is longer than 10 bytes`)
  }

  #utf8 (length: number, what: string): string {
    const start = this.#need(length, what)
    return this.buffer.toString('utf8', start, start + length)
  }

  string (): string {
    const length = this.int16()
    if (length < 0) throw new DecodeError(`non-nullable string has length ${length}`)
    return this.#utf8(length, 'string')
  }

  nullableString (): string | null {
    const length = this.int16()
    if (length === -1) return null
    if (length < 0) throw new DecodeError(`string has invalid length ${length}`)
    return this.#utf8(length, 'string')
  }

  compactString (): string {
    const length = this.uvarint() - 1
    if (length < 0) throw new DecodeError('non-nullable compact string is null')
    if (length > MAX_CLASSIC_STRING_LENGTH) throw new DecodeError(`compact string has invalid length ${length}`)
    return this.#utf8(length, 'compact string')
  }

  compactNullableString (): string | null {
    const length = this.uvarint() - 1
    if (length < 0) return null
    if (length > MAX_CLASSIC_STRING_LENGTH) throw new DecodeError(`compact string has invalid length ${length}`)
    return this.#utf8(length, 'compact string')
  }

  #slice (length: number, what: string): Buffer {
    const start = this.#need(length, what)
    return this.buffer.subarray(start, start + length)
  }

  /** Bytes as a subarray of the input (no copy). */
  bytes (): Buffer {
    const length = this.int32()
    if (length < 0) throw new DecodeError(`non-nullable bytes have length ${length}`)
    return this.#slice(length, 'bytes')
  }

  nullableBytes (): Buffer | null {
    const length = this.int32()
    if (length === -1) return null
    if (length < 0) throw new DecodeError(`bytes have invalid length ${length}`)
    return this.#slice(length, 'bytes')
  }

  compactBytes (): Buffer {
    const length = this.uvarint() - 1
    if (length < 0) throw new DecodeError('non-nullable compact bytes are null')
    return this.#slice(length, 'compact bytes')
  }

  compactNullableBytes (): Buffer | null {
    const length = this.uvarint() - 1
    if (length < 0) return null
    return this.#slice(length, 'compact bytes')
  }

  /** A record set (nullable, int32 length) as a subarray of the input. */
  records (): Buffer | null {
    return this.nullableBytes()
  }

  compactRecords (): Buffer | null {
    return this.compactNullableBytes()
  }

  /** Reads `count` raw bytes as a subarray of the input. */
  raw (count: number): Buffer {
    if (count < 0) throw new DecodeError(`invalid byte count ${count}`)
    return this.#slice(count, 'raw bytes')
  }

  #checkArrayLength (length: number): number {
    // Every element takes at least one byte, so a longer array cannot fit in what remains.
    if (length > this.buffer.length - this.offset) {
      throw new DecodeError(`array of ${length} elements cannot fit in ${this.buffer.length - this.offset} bytes`)
    }
    return length
  }

  /** Classic array length (int32); -1 means null and is returned as -1. */
  arrayLength (): number {
    const length = this.int32()
    if (length < -1) throw new DecodeError(`array has invalid length ${length}`)
    return length === -1 ? -1 : this.#checkArrayLength(length)
  }

  /** Compact array length (uvarint length + 1); null is returned as -1. */
  compactArrayLength (): number {
    const length = this.uvarint() - 1
    return length === -1 ? -1 : this.#checkArrayLength(length)
  }

  #items<T> (length: number, readItem: (reader: Reader, version: number) => T, version: number): T[] {
    const items: T[] = []
    for (let i = 0; i < length; i++) items.push(readItem(this, version))
    return items
  }

  array<T> (readItem: (reader: Reader, version: number) => T, version = 0): T[] {
    const length = this.arrayLength()
    if (length < 0) throw new DecodeError('non-nullable array is null')
    return this.#items(length, readItem, version)
  }

  nullableArray<T> (readItem: (reader: Reader, version: number) => T, version = 0): T[] | null {
    const length = this.arrayLength()
    return length < 0 ? null : this.#items(length, readItem, version)
  }

  compactArray<T> (readItem: (reader: Reader, version: number) => T, version = 0): T[] {
    const length = this.compactArrayLength()
    if (length < 0) throw new DecodeError('non-nullable compact array is null')
    return this.#items(length, readItem, version)
  }

  compactNullableArray<T> (readItem: (reader: Reader, version: number) => T, version = 0): T[] | null {
    const length = this.compactArrayLength()
    return length < 0 ? null : this.#items(length, readItem, version)
  }

  /** Skips a whole tagged-field section (count, then tag, size and data for each). */
  skipTaggedFields (): void {
    for (let count = this.uvarint(); count > 0; count--) {
      this.uvarint()
      this.#need(this.uvarint(), 'tagged field')
    }
  }

  /** Reads a tagged field's size and returns the offset where the field ends. */
  taggedFieldEnd (): number {
    const size = this.uvarint()
    if (size > this.buffer.length - this.offset) {
      throw new DecodeError(`tagged field of ${size} bytes cannot fit in ${this.buffer.length - this.offset} bytes`)
    }
    return this.offset + size
  }

  /** Moves past a tagged field, skipping what a known field left unread (or all of an unknown one). */
  endTaggedField (end: number): void {
    if (this.offset > end) throw new DecodeError(`tagged field overran its size by ${this.offset - end} bytes`)
    this.offset = end
  }
}

// Element readers for arrays of primitives, passed to Reader.array and friends.
export const readInt8 = (reader: Reader): number => reader.int8()
export const readInt16 = (reader: Reader): number => reader.int16()
export const readInt32 = (reader: Reader): number => reader.int32()
export const readInt64 = (reader: Reader): number => reader.int64()
export const readUint16 = (reader: Reader): number => reader.uint16()
export const readUint32 = (reader: Reader): number => reader.uint32()
export const readFloat64 = (reader: Reader): number => reader.float64()
export const readBool = (reader: Reader): boolean => reader.bool()
export const readUuid = (reader: Reader): string => reader.uuid()
export const readString = (reader: Reader): string => reader.string()
export const readCompactString = (reader: Reader): string => reader.compactString()
export const readBytes = (reader: Reader): Buffer => reader.bytes()
export const readCompactBytes = (reader: Reader): Buffer => reader.compactBytes()
