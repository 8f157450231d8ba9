// lz4 (codec 3): the LZ4 frame format, as Kafka's KafkaLZ4BlockOutputStream, librdkafka and
// kafka-python write it. The frame is walked here and each block is handed to lz4-napi's block
// decoder, so the output is counted block by block (a block decodes to at most its frame's block
// maximum, 64 KiB to 4 MiB) and the limit holds before memory does. Checksums are not verified:
// the batch's CRC-32C already covers these bytes. Linked blocks, which Kafka itself refuses, are
// decoded with the previous 64 KiB of output as their dictionary.
import { uncompressSync } from 'lz4-napi'
import { DecompressionError } from './decompression-error.ts'

const FRAME_MAGIC = 0x184d2204
/** Skippable frames carry 0x184D2A50 to 0x184D2A5F: user data, ignored. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
const FLAG_VERSION_MASK = 0xc0
const FLAG_VERSION_01 = 0x40
const FLAG_BLOCK_INDEPENDENCE = 0x20
const FLAG_BLOCK_CHECKSUM = 0x10
const FLAG_CONTENT_SIZE = 0x08
const FLAG_CONTENT_CHECKSUM = 0x04
const FLAG_RESERVED = 0x02
const FLAG_DICTIONARY_ID = 0x01
const BLOCK_UNCOMPRESSED = 0x80000000
/** Linked blocks may copy from up to 64 KiB of earlier output. */
const LINKED_WINDOW_BYTES = 64 * 1024

const blockMaxBytes = new Map([[4, 64 * 1024], [5, 256 * 1024], [6, 1024 * 1024], [7, 4 * 1024 * 1024]])

export function decompressLz4 (data: Buffer, maxOutputBytes: number): Buffer {
  const reader = new FrameReader(data)
  const output = new OutputBlocks(maxOutputBytes)
  do {
    const magic = reader.uint32('frame magic')
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      reader.bytes(reader.uint32('skippable frame size'), 'skippable frame')
    } else if (magic === FRAME_MAGIC) {
      readFrame(reader, output)
    } else {
      throw lz4Error(`not an LZ4 frame: magic 0x${magic.toString(16)}`)
    }
  } while (reader.remaining > 0)
  return output.concat()
}

function readFrame (reader: FrameReader, output: OutputBlocks): void {
  const flags = reader.uint8('frame flags')
  const blockDescriptor = reader.uint8('block descriptor')
  if ((flags & FLAG_VERSION_MASK) !== FLAG_VERSION_01) {
    throw lz4Error(`unsupported frame version in flags 0x${flags.toString(16)}`)
  }
  if ((flags & FLAG_RESERVED) !== 0 || (blockDescriptor & 0x8f) !== 0) {
    throw lz4Error('reserved bits set in the frame descriptor')
  }
  const blockMax = blockMaxBytes.get(blockDescriptor >> 4)
  if (blockMax === undefined) throw lz4Error(`unknown block maximum size id ${blockDescriptor >> 4}`)
  const frameStart = output.bytes
  let contentSize: number | undefined
  if ((flags & FLAG_CONTENT_SIZE) !== 0) {
    contentSize = Number(reader.bytes(8, 'content size').readBigUInt64LE(0))
    if (contentSize > output.bytesLeft) throw DecompressionError.tooLarge('lz4', output.maxBytes)
  }
  if ((flags & FLAG_DICTIONARY_ID) !== 0) throw lz4Error('frames that need a dictionary are not supported')
  reader.uint8('header checksum')
  const isLinked = (flags & FLAG_BLOCK_INDEPENDENCE) === 0
  let window: Buffer | undefined
  for (;;) {
    const word = reader.uint32('block size')
    if (word === 0) break
    const size = (word & ~BLOCK_UNCOMPRESSED) >>> 0
    if (size > blockMax) throw lz4Error(`block of ${size} bytes is past the frame's block maximum ${blockMax}`)
    const block = reader.bytes(size, 'block')
    if ((flags & FLAG_BLOCK_CHECKSUM) !== 0) reader.bytes(4, 'block checksum')
    const decoded = (word & BLOCK_UNCOMPRESSED) !== 0 ? block : decodeBlock(block, blockMax, window)
    output.push(decoded)
    if (isLinked) window = lastBytes(window, decoded, LINKED_WINDOW_BYTES)
  }
  if ((flags & FLAG_CONTENT_CHECKSUM) !== 0) reader.bytes(4, 'content checksum')
  if (contentSize !== undefined && output.bytes - frameStart !== contentSize) {
    throw lz4Error(`frame decompressed to ${output.bytes - frameStart} bytes, its header says ${contentSize}`)
  }
}

/** lz4-napi's block decoder wants the output size first; the block maximum is an upper bound it accepts. */
function decodeBlock (block: Buffer, blockMax: number, dictionary: Buffer | undefined): Buffer {
  const input = Buffer.allocUnsafe(4 + block.length)
  input.writeUInt32LE(blockMax, 0)
  block.copy(input, 4)
  try {
    return uncompressSync(input, dictionary)
  } catch (error) {
    throw DecompressionError.malformed('lz4', error)
  }
}

function lz4Error (message: string): DecompressionError {
  return new DecompressionError('lz4', message)
}

/** The last `length` bytes of `previous` followed by `next`. */
function lastBytes (previous: Buffer | undefined, next: Buffer, length: number): Buffer {
  if (next.length >= length || previous === undefined) return next.subarray(Math.max(0, next.length - length))
  const joined = Buffer.concat([previous, next])
  return joined.subarray(Math.max(0, joined.length - length))
}

class FrameReader {
  readonly #data: Buffer
  #position = 0

  constructor (data: Buffer) {
    this.#data = data
  }

  get remaining (): number {
    return this.#data.length - this.#position
  }

  uint8 (what: string): number {
    return this.bytes(1, what)[0]!
  }

  uint32 (what: string): number {
    return this.bytes(4, what).readUInt32LE(0)
  }

  bytes (length: number, what: string): Buffer {
    if (length > this.remaining) {
      throw lz4Error(`${what} cut short: needs ${length} bytes, ${this.remaining} left`)
    }
    const bytes = this.#data.subarray(this.#position, this.#position + length)
    this.#position += length
    return bytes
  }
}

/** Decoded blocks, counted against the limit as they arrive. */
class OutputBlocks {
  readonly maxBytes: number
  readonly #blocks: Buffer[] = []
  bytes = 0

  constructor (maxBytes: number) {
    this.maxBytes = maxBytes
  }

  get bytesLeft (): number {
    return this.maxBytes - this.bytes
  }

  push (block: Buffer): void {
    if (block.length > this.bytesLeft) throw DecompressionError.tooLarge('lz4', this.maxBytes)
    this.#blocks.push(block)
    this.bytes += block.length
  }

  concat (): Buffer {
    return Buffer.concat(this.#blocks, this.bytes)
  }
}
