// In-process ObjectStore for unit tests. Like the fs store, appends share a "segment" key at
// increasing positions until it reaches `segmentBytes`, so readers are tested on positions too.

import { ServiceError } from '../../common/errors.ts'
import type { ObjectLocation, ObjectStore } from '../object-store.ts'

export interface MemoryObjectStoreOptions {
  /** A segment takes appends until the next would pass this size (default 16 MiB). */
  segmentBytes?: number
}

interface MemorySegment {
  /** Appended objects, back to back; `starts[i]` is the position of `objects[i]`. */
  objects: Buffer[]
  starts: number[]
  size: number
}

export class MemoryObjectStore implements ObjectStore {
  #segmentBytes: number
  #segments = new Map<string, MemorySegment>()
  #currentKey: string | undefined
  #lastSequence = 0
  #isClosed = false

  constructor (options: MemoryObjectStoreOptions = {}) {
    this.#segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024
  }

  async append (chunks: readonly Buffer[]): Promise<ObjectLocation> {
    if (this.#isClosed) throw new ServiceError('OBJECT_STORE_CLOSED', 'the object store is closed')
    // A copy: the caller may reuse its buffers once the append resolved.
    const object = Buffer.concat(chunks)
    let objectKey = this.#currentKey
    let segment = objectKey === undefined ? undefined : this.#segments.get(objectKey)
    if (objectKey === undefined || segment === undefined || (segment.size > 0 && segment.size + object.length > this.#segmentBytes)) {
      objectKey = `memory-${String(++this.#lastSequence).padStart(12, '0')}`
      segment = { objects: [], starts: [], size: 0 }
      this.#segments.set(objectKey, segment)
      this.#currentKey = objectKey
    }
    const position = segment.size
    segment.objects.push(object)
    segment.starts.push(position)
    segment.size += object.length
    return { objectKey, position }
  }

  async read (objectKey: string, position: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`invalid read of ${length} bytes at ${position}`)
    }
    const segment = this.#segments.get(objectKey)
    if (segment === undefined) throw new ServiceError('OBJECT_NOT_FOUND', `no object ${objectKey}`)
    if (position + length > segment.size) {
      throw new ServiceError(
        'OBJECT_SHORT_READ',
        `object ${objectKey} ends before ${position + length} (read ${length} bytes at ${position})`
      )
    }
    // A copy, never a view: readers patch baseOffset in the bytes they get.
    const result = Buffer.allocUnsafe(length)
    let filled = 0
    for (let index = this.#objectIndexAt(segment, position); filled < length; index++) {
      const object = segment.objects[index]!
      const start = position + filled - segment.starts[index]!
      filled += object.copy(result, filled, start, Math.min(object.length, start + length - filled))
    }
    return result
  }

  async listKeys (): Promise<string[]> {
    return [...this.#segments.keys()].sort()
  }

  async delete (objectKey: string): Promise<void> {
    this.#segments.delete(objectKey)
    if (this.#currentKey === objectKey) this.#currentKey = undefined
  }

  async close (): Promise<void> {
    this.#isClosed = true
  }

  /** Index of the object holding byte `position` (the last one starting at or before it). */
  #objectIndexAt (segment: MemorySegment, position: number): number {
    let low = 0
    let high = segment.starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >>> 1
      if (segment.starts[middle]! <= position) low = middle
      else high = middle - 1
    }
    return low
  }
}
