// Writes Kafka protocol primitives as a list of Buffer chunks. Small values go into a growable
// scratch buffer; record sets are appended as chunks without copying, so a Fetch response can
// hand stored batches straight to the socket.

/** What an encoder accepts for a `records` field: one buffer, a list of chunks, or null. */
export type RecordsInput = Buffer | Buffer[] | null

const DEFAULT_SCRATCH_SIZE = 8192
const TWO_POW_32 = 4294967296
// A string this short encodes to at most 3 bytes per UTF-16 unit, so its length fits one varint byte.
const SHORT_STRING_LENGTH = 42
// Appending a nested writer copies chunks up to this size instead of splitting the scratch buffer.
const COPY_THRESHOLD = 512

export class Writer {
  #chunks: Buffer[] = []
  #chunksLength = 0
  #scratch: Buffer
  #start = 0
  #offset = 0
  #scratchSize: number

  constructor (scratchSize = DEFAULT_SCRATCH_SIZE) {
    this.#scratchSize = Math.max(16, scratchSize)
    this.#scratch = Buffer.allocUnsafe(this.#scratchSize)
  }

  /** Total bytes written so far. */
  get length (): number {
    return this.#chunksLength + this.#offset - this.#start
  }

  /**
   * Makes room for `byteCount` more bytes in the scratch buffer and returns the write offset.
   * Call it before reading this.#scratch: it may switch to a new scratch buffer.
   */
  #reserve (byteCount: number): number {
    if (this.#offset + byteCount > this.#scratch.length) {
      this.#closeSlice()
      this.#scratch = Buffer.allocUnsafe(Math.max(this.#scratchSize, byteCount))
      this.#start = 0
      this.#offset = 0
    }
    const offset = this.#offset
    this.#offset = offset + byteCount
    return offset
  }

  #closeSlice (): void {
    if (this.#offset > this.#start) {
      this.#chunks.push(this.#scratch.subarray(this.#start, this.#offset))
      this.#chunksLength += this.#offset - this.#start
      this.#start = this.#offset
    }
  }

  int8 (value: number): void {
    const offset = this.#reserve(1)
    this.#scratch.writeInt8(value, offset)
  }

  int16 (value: number): void {
    const offset = this.#reserve(2)
    this.#scratch.writeInt16BE(value, offset)
  }

  int32 (value: number): void {
    const offset = this.#reserve(4)
    this.#scratch.writeInt32BE(value, offset)
  }

  /** int64 from a number; fractions are truncated, values beyond 2^53 go through BigInt. */
  int64 (value: number): void {
    const offset = this.#reserve(8)
    if (Number.isSafeInteger(value)) {
      const high = Math.floor(value / TWO_POW_32)
      this.#scratch.writeInt32BE(high, offset)
      this.#scratch.writeUInt32BE(value - high * TWO_POW_32, offset + 4)
    } else {
      this.#scratch.writeBigInt64BE(BigInt.asIntN(64, BigInt(Math.trunc(value))), offset)
    }
  }

  uint16 (value: number): void {
    const offset = this.#reserve(2)
    this.#scratch.writeUInt16BE(value, offset)
  }

  uint32 (value: number): void {
    const offset = this.#reserve(4)
    this.#scratch.writeUInt32BE(value, offset)
  }

  float64 (value: number): void {
    const offset = this.#reserve(8)
    this.#scratch.writeDoubleBE(value, offset)
  }

  bool (value: boolean): void {
    const offset = this.#reserve(1)
    this.#scratch[offset] = value ? 1 : 0
  }

  /** A uuid in dashed form (either case). */
  uuid (value: string): void {
    if (value.length !== 36) throw new TypeError(`invalid uuid '${value}'`)
    const offset = this.#reserve(16)
    const scratch = this.#scratch
    let position = 0
    for (let i = 0; i < 16; i++) {
      // Dashes sit before bytes 4, 6, 8 and 10.
      if (i === 4 || i === 6 || i === 8 || i === 10) {
        if (value.charCodeAt(position) !== 0x2d) throw new TypeError(`invalid uuid '${value}'`)
        position++
      }
      const high = hexValue(value.charCodeAt(position))
      const low = hexValue(value.charCodeAt(position + 1))
      if (high < 0 || low < 0) throw new TypeError(`invalid uuid '${value}'`)
      scratch[offset + i] = high * 16 + low
      position += 2
    }
  }

  /** Unsigned varint of a uint32. */
  uvarint (value: number): void {
    if (value < 0x80 && value >= 0) {
      const offset = this.#reserve(1)
      this.#scratch[offset] = value
      return
    }
    if (value < 0 || value > 0xffffffff || !Number.isInteger(value)) {
      throw new RangeError(`uvarint out of range: ${value}`)
    }
    let offset = this.#reserve(5)
    const scratch = this.#scratch
    let remaining = value
    while (remaining >= 0x80) {
      scratch[offset++] = (remaining & 0x7f) | 0x80
      remaining = Math.floor(remaining / 128)
    }
    scratch[offset++] = remaining
    this.#offset = offset
  }

  /** Zigzag-encoded signed varint of an int32. */
  varint (value: number): void {
    this.uvarint(((value << 1) ^ (value >> 31)) >>> 0)
  }

  /** Unsigned varint of up to 64 bits, from a number (exact up to 2^53). */
  uvarlong (value: number): void {
    if (value < 0 || !Number.isInteger(value)) throw new RangeError(`uvarlong out of range: ${value}`)
    let offset = this.#reserve(10)
    const scratch = this.#scratch
    let remaining = value
    while (remaining >= 0x80) {
      scratch[offset++] = (remaining % 128) | 0x80
      remaining = Math.floor(remaining / 128)
    }
    scratch[offset++] = remaining
    this.#offset = offset
  }

  /** Zigzag-encoded signed varlong of an int64, from a number. */
  varlong (value: number): void {
    if (value >= -0x40000000 && value < 0x40000000) {
      this.uvarint(((value << 1) ^ (value >> 31)) >>> 0)
    } else if (value > -(2 ** 52) && value < 2 ** 52) {
      this.uvarlong(value >= 0 ? value * 2 : -value * 2 - 1)
    } else {
      // The zigzag form would not be exact as a double: go through BigInt.
      const signed = BigInt.asIntN(64, BigInt(Math.trunc(value)))
      let zigzag = BigInt.asUintN(64, (signed << 1n) ^ (signed >> 63n))
      let offset = this.#reserve(10)
      const scratch = this.#scratch
      while (zigzag >= 0x80n) {
        scratch[offset++] = Number(zigzag & 0x7fn) | 0x80
        zigzag >>= 7n
      }
      scratch[offset++] = Number(zigzag)
      this.#offset = offset
    }
  }

  /** A string's UTF-8 bytes after an int16 (classic) or uvarint (compact) length. */
  #utf8 (value: string, isCompact: boolean): void {
    if (isCompact && value.length < SHORT_STRING_LENGTH) {
      const offset = this.#reserve(1 + value.length * 3)
      const byteCount = this.#scratch.write(value, offset + 1, 'utf8')
      this.#scratch[offset] = byteCount + 1
      this.#offset = offset + 1 + byteCount
      return
    }
    const byteCount = Buffer.byteLength(value, 'utf8')
    if (byteCount > 0x7fff) throw new RangeError(`string of ${byteCount} bytes is longer than 32767`)
    if (isCompact) this.uvarint(byteCount + 1)
    else this.int16(byteCount)
    const offset = this.#reserve(byteCount)
    this.#scratch.write(value, offset, byteCount, 'utf8')
  }

  string (value: string): void {
    this.#utf8(value, false)
  }

  nullableString (value: string | null): void {
    if (value === null) this.int16(-1)
    else this.#utf8(value, false)
  }

  compactString (value: string): void {
    this.#utf8(value, true)
  }

  compactNullableString (value: string | null): void {
    if (value === null) this.uvarint(0)
    else this.#utf8(value, true)
  }

  /** Copies small buffers into the scratch buffer. */
  raw (value: Buffer): void {
    const offset = this.#reserve(value.length)
    value.copy(this.#scratch, offset)
  }

  bytes (value: Buffer): void {
    this.int32(value.length)
    this.raw(value)
  }

  nullableBytes (value: Buffer | null): void {
    if (value === null) this.int32(-1)
    else this.bytes(value)
  }

  compactBytes (value: Buffer): void {
    this.uvarint(value.length + 1)
    this.raw(value)
  }

  compactNullableBytes (value: Buffer | null): void {
    if (value === null) this.uvarint(0)
    else this.compactBytes(value)
  }

  /** Appends external buffers as chunks, without copying them. */
  writeChunks (buffers: readonly Buffer[]): void {
    this.#closeSlice()
    for (const buffer of buffers) {
      if (buffer.length === 0) continue
      this.#chunks.push(buffer)
      this.#chunksLength += buffer.length
    }
  }

  /** A record set with an int32 length prefix (-1 for null); the chunks are not copied. */
  records (value: RecordsInput): void {
    if (value === null) {
      this.int32(-1)
    } else if (Buffer.isBuffer(value)) {
      this.int32(value.length)
      this.writeChunks([value])
    } else {
      this.int32(totalLength(value))
      this.writeChunks(value)
    }
  }

  /** A record set with a compact length prefix (0 for null); the chunks are not copied. */
  compactRecords (value: RecordsInput): void {
    if (value === null) {
      this.uvarint(0)
    } else if (Buffer.isBuffer(value)) {
      this.uvarint(value.length + 1)
      this.writeChunks([value])
    } else {
      this.uvarint(totalLength(value) + 1)
      this.writeChunks(value)
    }
  }

  /** Classic array length: -1 for null. */
  arrayLength (value: readonly unknown[] | null): void {
    this.int32(value === null ? -1 : value.length)
  }

  /** Compact array length: 0 for null, else length + 1. */
  compactArrayLength (value: readonly unknown[] | null): void {
    this.uvarint(value === null ? 0 : value.length + 1)
  }

  /** A fresh writer for a value whose size must be known before it is written (tagged fields). */
  nested (): Writer {
    return new Writer(256)
  }

  /** Writes the size of `nested` as a uvarint, then its bytes. */
  writeSized (nested: Writer): void {
    this.uvarint(nested.length)
    this.append(nested)
  }

  /** Appends everything another writer wrote: small chunks are copied, large ones shared. */
  append (other: Writer): void {
    for (const chunk of other.toChunks()) {
      if (chunk.length <= COPY_THRESHOLD) this.raw(chunk)
      else this.writeChunks([chunk])
    }
  }

  /** The bytes written so far, as chunks in order. The writer may keep writing afterwards. */
  toChunks (): Buffer[] {
    this.#closeSlice()
    return this.#chunks.slice()
  }

  /** All bytes in one buffer (copies unless there is a single chunk); meant for tests and clients. */
  toBuffer (): Buffer {
    const chunks = this.toChunks()
    if (chunks.length === 1) return chunks[0] as Buffer
    return Buffer.concat(chunks, this.#chunksLength)
  }
}

/** The value of one hex digit's char code, or -1. */
function hexValue (charCode: number): number {
  if (charCode >= 0x30 && charCode <= 0x39) return charCode - 0x30
  const lower = charCode | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

function totalLength (buffers: readonly Buffer[]): number {
  let length = 0
  for (const buffer of buffers) length += buffer.length
  return length
}
