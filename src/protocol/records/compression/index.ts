// Decompresses the records section of a magic-2 record batch, by the codec id in the batch
// attributes. Used off the hot path only (ListOffsets lookups): stored batches pass through as sent.
import { DecompressionError } from './decompression-error.ts'
import { decompressGzip } from './gzip.ts'
import { decompressLz4 } from './lz4.ts'
import { decompressSnappy } from './snappy.ts'
import { decompressZstd } from './zstd.ts'

export { DecompressionError } from './decompression-error.ts'

const decoders = new Map<number, (data: Buffer, maxOutputBytes: number) => Buffer>([
  [1, decompressGzip],
  [2, decompressSnappy],
  [3, decompressLz4],
  [4, decompressZstd]
])

/**
 * Decompresses `data` written with `codec` (1 gzip, 2 snappy, 3 lz4, 4 zstd). Throws
 * DecompressionError, naming the codec, for malformed input or an output past `maxOutputBytes`.
 */
export function decompress (codec: number, data: Buffer, maxOutputBytes: number): Buffer {
  const decoder = decoders.get(codec)
  if (decoder === undefined) throw new DecompressionError(`codec ${codec}`, 'not a compression codec of record batches')
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 1) {
    throw new RangeError(`maxOutputBytes must be a positive integer, got ${maxOutputBytes}`)
  }
  return decoder(data, maxOutputBytes)
}
