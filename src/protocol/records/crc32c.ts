// CRC-32C (Castagnoli), as record batches v2 carry it. Native code via @node-rs/crc32:
// node's zlib.crc32 is the IEEE polynomial and would be wrong here.
import { crc32c as nativeCrc32c } from '@node-rs/crc32'

export function crc32c (data: Buffer, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0
}
