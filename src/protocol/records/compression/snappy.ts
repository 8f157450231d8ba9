// snappy (codec 2). The Java client (snappy-java) and kafka-python write the xerial framing: the
// header \x82SNAPPY\x00, two int32 versions, then int32-length-prefixed raw snappy blocks.
// librdkafka writes one raw snappy block. Each raw block starts with its decompressed length as a
// varint, so the limit is checked before anything is decompressed.
import { uncompressSync } from 'snappy'
import { DecompressionError } from './decompression-error.ts'

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** Magic (8) + version (4) + compatible version (4). */
const XERIAL_HEADER_SIZE = 16

export function decompressSnappy (data: Buffer, maxOutputBytes: number): Buffer {
  const isXerial = data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
  if (!isXerial) return decompressRawBlock(data, maxOutputBytes)
  const blocks: Buffer[] = []
  let outputBytes = 0
  let position = XERIAL_HEADER_SIZE
  while (position < data.length) {
    if (position + 4 > data.length) {
      throw new DecompressionError('snappy', `xerial block length cut short at byte ${position}`)
    }
    const length = data.readInt32BE(position)
    position += 4
    if (length < 0 || length > data.length - position) {
      const left = data.length - position
      throw new DecompressionError('snappy', `xerial block of ${length} bytes does not fit the ${left} bytes left`)
    }
    const block = decompressRawBlock(data.subarray(position, position + length), maxOutputBytes - outputBytes)
    blocks.push(block)
    outputBytes += block.length
    position += length
  }
  return Buffer.concat(blocks, outputBytes)
}

function decompressRawBlock (block: Buffer, maxOutputBytes: number): Buffer {
  const length = readLengthPreamble(block)
  if (length > maxOutputBytes) throw DecompressionError.tooLarge('snappy', maxOutputBytes)
  let output: string | Buffer
  try {
    output = uncompressSync(block, { asBuffer: true })
  } catch (error) {
    throw DecompressionError.malformed('snappy', error)
  }
  if (typeof output === 'string' || output.length !== length) {
    throw new DecompressionError('snappy', `block decompressed to ${output.length} bytes, its preamble says ${length}`)
  }
  return output
}

/** The uncompressed length a raw snappy block starts with: a little-endian base-128 varint of at most 32 bits. */
function readLengthPreamble (block: Buffer): number {
  let length = 0
  for (let index = 0; index < 5 && index < block.length; index++) {
    const byte = block[index]!
    length += (byte & 0x7f) * 2 ** (7 * index)
    if ((byte & 0x80) === 0) {
      if (length > 0xffffffff) break
      return length
    }
  }
  throw new DecompressionError('snappy', 'block does not start with a valid length preamble')
}
