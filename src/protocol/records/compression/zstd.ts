// zstd (codec 4): zstd frames, as zstd-jni (Java client), librdkafka and python-zstandard write
// them. Decoded with fzstd, a pure-JS decoder: no native zstd binding for Node 20 ships its binary
// inside an npm package (they download it at install time), and this path only serves ListOffsets
// lookups, never produce or fetch. Every frame header is checked first, because fzstd allocates a
// frame's whole window (or declared content size) up front; the output is then counted block by
// block as fzstd streams it, so a bomb stops at the limit.
import { Decompress } from 'fzstd'
import { DecompressionError } from './decompression-error.ts'

const FRAME_MAGIC = 0xfd2fb528
const SKIPPABLE_MAGIC_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
/** zstd's own default decoder limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 2^27), which Kafka's zstd-jni applies too. */
const MAX_WINDOW_BYTES = 128 * 1024 * 1024
const BLOCK_TYPE_RAW = 0
const BLOCK_TYPE_RLE = 1
const BLOCK_TYPE_RESERVED = 3

export function decompressZstd (data: Buffer, maxOutputBytes: number): Buffer {
  checkFrames(data, maxOutputBytes)
  const chunks: Buffer[] = []
  let outputBytes = 0
  const decoder = new Decompress((chunk: Uint8Array) => {
    outputBytes += chunk.length
    if (outputBytes > maxOutputBytes) throw DecompressionError.tooLarge('zstd', maxOutputBytes)
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))
  })
  try {
    decoder.push(data, true)
  } catch (error) {
    throw DecompressionError.malformed('zstd', error)
  }
  return Buffer.concat(chunks, outputBytes)
}

/**
 * Walks the frames without decoding them (block headers give every block's input length) and
 * refuses dictionaries, windows past zstd's default limit and declared sizes past `maxOutputBytes`.
 */
function checkFrames (data: Buffer, maxOutputBytes: number): void {
  let position = 0
  const need = (length: number, what: string): number => {
    if (position + length > data.length) throw new DecompressionError('zstd', `${what} cut short at byte ${position}`)
    const start = position
    position += length
    return start
  }
  do {
    const magic = data.readUInt32LE(need(4, 'frame magic'))
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data.readUInt32LE(need(4, 'skippable frame size')), 'skippable frame')
      continue
    }
    if (magic !== FRAME_MAGIC) throw new DecompressionError('zstd', `not a zstd frame: magic 0x${magic.toString(16)}`)
    const descriptor = data[need(1, 'frame header')]!
    const contentSizeFlag = descriptor >> 6
    const isSingleSegment = (descriptor & 0x20) !== 0
    const hasChecksum = (descriptor & 0x04) !== 0
    if ((descriptor & 0x08) !== 0) throw new DecompressionError('zstd', 'reserved bit set in the frame header')
    let windowBytes = 0
    if (!isSingleSegment) {
      const windowDescriptor = data[need(1, 'window descriptor')]!
      const base = 2 ** (10 + (windowDescriptor >> 3))
      windowBytes = base + (base / 8) * (windowDescriptor & 0x07)
    }
    const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03]!
    const dictionaryStart = need(dictionaryIdBytes, 'dictionary id')
    if (dictionaryIdBytes > 0 && data.readUIntLE(dictionaryStart, dictionaryIdBytes) !== 0) {
      throw new DecompressionError('zstd', 'frames that need a dictionary are not supported')
    }
    const contentSizeBytes = contentSizeFlag === 0 ? (isSingleSegment ? 1 : 0) : 2 ** contentSizeFlag
    const contentSizeStart = need(contentSizeBytes, 'frame content size')
    if (contentSizeBytes > 0) {
      const contentSize = contentSizeBytes === 8
        ? Number(data.readBigUInt64LE(contentSizeStart))
        : data.readUIntLE(contentSizeStart, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0)
      if (contentSize > maxOutputBytes) throw DecompressionError.tooLarge('zstd', maxOutputBytes)
      if (isSingleSegment) windowBytes = contentSize
    }
    if (windowBytes > MAX_WINDOW_BYTES) {
      throw new DecompressionError('zstd', `window of ${windowBytes} bytes is past the ${MAX_WINDOW_BYTES}-byte limit`)
    }
    for (let isLast = false; !isLast;) {
      const header = data.readUIntLE(need(3, 'block header'), 3)
      isLast = (header & 1) !== 0
      const type = (header >> 1) & 0x03
      const size = header >> 3
      if (type === BLOCK_TYPE_RESERVED) throw new DecompressionError('zstd', 'reserved block type')
      need(type === BLOCK_TYPE_RLE ? 1 : size, type === BLOCK_TYPE_RAW ? 'raw block' : 'block')
    }
    if (hasChecksum) need(4, 'content checksum')
  } while (position < data.length)
}
