// gzip (codec 1): a gzip stream, as Kafka clients write inside a batch; Node's zlib stops at the limit.
import { gunzipSync } from 'node:zlib'
import { DecompressionError } from './decompression-error.ts'

export function decompressGzip (data: Buffer, maxOutputBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxOutputBytes })
  } catch (error) {
    const isTooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
    if (isTooLarge) throw DecompressionError.tooLarge('gzip', maxOutputBytes)
    throw DecompressionError.malformed('gzip', error)
  }
}
