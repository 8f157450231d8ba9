// ObjectStore on a local (or shared) directory: every object is appended to the current
// append-only segment file `<dir>/segments/<20-digit sequence>.seg`, and the segment name is
// the object key. Appends are written in arrival order and made durable by group commit: one
// fdatasync covers every append written while the previous one was in flight.

import { mkdir, open, readdir, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { ServiceError } from '../../common/errors.ts'
import type { ObjectLocation, ObjectStore } from '../object-store.ts'
import { HandleCache } from './handle-cache.ts'

export interface FsObjectStoreOptions {
  /** A segment is rolled before an append would take it past this size (default 256 MiB). */
  segmentBytes?: number
  /** Read handles kept open (default 128). */
  maxOpenFiles?: number
}

export interface FsObjectStoreStats {
  appendCount: number
  /** Group commits: each covered every append written before it started. */
  syncCount: number
  segmentsCreated: number
  bytesWritten: number
}

interface Segment {
  key: string
  handle: FileHandle
  size: number
  /** Appends placed in this segment and not yet synced; the handle stays open while any are. */
  unsyncedCount: number
  /** Rolled, deleted or failed: nothing more is written to it. */
  isRetired: boolean
  isClosed: boolean
  /** A failed write or fsync: later appends in it cannot be trusted to be durable. */
  failure: unknown
}

interface PendingAppend {
  chunks: readonly Buffer[]
  size: number
  resolve: (location: ObjectLocation) => void
  reject: (error: unknown) => void
  segment?: Segment
  position?: number
}

const KEY_PATTERN = /^\d{20}$/
const SEGMENT_FILE_PATTERN = /^(\d{20})\.seg$/

function isErrorCode (error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code
}

async function syncDirectory (path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Writes all of `buffers` at `position`, continuing after partial writes. */
async function writeFully (handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let remaining = buffers
  while (remaining.length > 0) {
    const { bytesWritten } = await handle.writev(remaining, position)
    position += bytesWritten
    let skipped = bytesWritten
    let index = 0
    while (index < remaining.length && skipped >= remaining[index]!.length) skipped -= remaining[index++]!.length
    remaining = remaining.slice(index)
    if (skipped > 0 && remaining.length > 0) remaining[0] = remaining[0]!.subarray(skipped)
  }
}

/** Opens the store in `dir`; new appends go to a new segment after the highest existing one. */
export async function openFsObjectStore (dir: string, options: FsObjectStoreOptions = {}): Promise<FsObjectStore> {
  const segmentsDir = join(dir, 'segments')
  await mkdir(segmentsDir, { recursive: true })
  await syncDirectory(dir)
  let lastSequence = 0
  for (const name of await readdir(segmentsDir)) {
    const match = SEGMENT_FILE_PATTERN.exec(name)
    if (match !== null) lastSequence = Math.max(lastSequence, Number(match[1]))
  }
  return new FsObjectStore(segmentsDir, lastSequence, options)
}

export class FsObjectStore implements ObjectStore {
  #segmentsDir: string
  #segmentBytes: number
  #lastSequence: number
  #current: Segment | undefined
  /** Segments with an open write handle: the current one and rolled ones still being synced. */
  #openSegments = new Map<string, Segment>()
  #handles: HandleCache
  #toWrite: PendingAppend[] = []
  #toSync: PendingAppend[] = []
  #isWriting = false
  #isSyncing = false
  #isClosed = false
  #closingSegments = new Set<Promise<void>>()
  #idleWaiters: Array<() => void> = []
  #stats: FsObjectStoreStats = { appendCount: 0, syncCount: 0, segmentsCreated: 0, bytesWritten: 0 }

  constructor (segmentsDir: string, lastSequence: number, options: FsObjectStoreOptions = {}) {
    this.#segmentsDir = segmentsDir
    this.#lastSequence = lastSequence
    this.#segmentBytes = options.segmentBytes ?? 256 * 1024 * 1024
    this.#handles = new HandleCache(options.maxOpenFiles ?? 128)
  }

  get stats (): FsObjectStoreStats {
    return { ...this.#stats }
  }

  async append (chunks: readonly Buffer[]): Promise<ObjectLocation> {
    if (this.#isClosed) throw new ServiceError('OBJECT_STORE_CLOSED', 'the object store is closed')
    const size = chunks.reduce((total, chunk) => total + chunk.length, 0)
    return await new Promise<ObjectLocation>((resolve, reject) => {
      this.#toWrite.push({ chunks, size, resolve, reject })
      if (!this.#isWriting) {
        // Started on the next microtask, so that a burst of appends in one tick shares one writev.
        this.#isWriting = true
        queueMicrotask(() => { void this.#writeLoop() })
      }
    })
  }

  async read (objectKey: string, position: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`invalid read of ${length} bytes at ${position}`)
    }
    if (this.#isClosed) throw new ServiceError('OBJECT_STORE_CLOSED', 'the object store is closed')
    if (!KEY_PATTERN.test(objectKey)) throw new ServiceError('OBJECT_NOT_FOUND', `no object ${objectKey}`)
    try {
      return await this.#handles.use(this.#pathOf(objectKey), async handle => {
        const buffer = Buffer.allocUnsafe(length)
        let filled = 0
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
          if (bytesRead === 0) {
            throw new ServiceError(
              'OBJECT_SHORT_READ',
              `object ${objectKey} ends before ${position + length} (read ${length} bytes at ${position})`
            )
          }
          filled += bytesRead
        }
        return buffer
      })
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) throw new ServiceError('OBJECT_NOT_FOUND', `no object ${objectKey}`, { cause: error })
      throw error
    }
  }

  async listKeys (): Promise<string[]> {
    const keys: string[] = []
    for (const name of await readdir(this.#segmentsDir)) {
      const match = SEGMENT_FILE_PATTERN.exec(name)
      if (match?.[1] !== undefined) keys.push(match[1])
    }
    return keys.sort()
  }

  async delete (objectKey: string): Promise<void> {
    if (!KEY_PATTERN.test(objectKey)) return
    const segment = this.#openSegments.get(objectKey)
    if (segment !== undefined) {
      // Appends still in flight into it fail rather than resolve into a deleted file.
      segment.failure ??= new ServiceError('OBJECT_NOT_FOUND', `segment ${objectKey} was deleted while being written`)
      this.#retire(segment)
    }
    const path = this.#pathOf(objectKey)
    this.#handles.evict(path)
    try {
      await unlink(path)
    } catch (error) {
      if (!isErrorCode(error, 'ENOENT')) throw error
    }
  }

  /** Waits for pending appends to be written and synced, then closes every file. */
  async close (): Promise<void> {
    this.#isClosed = true
    await new Promise<void>(resolve => {
      this.#idleWaiters.push(resolve)
      this.#notifyIfIdle()
    })
    if (this.#current !== undefined) this.#retire(this.#current)
    await Promise.all(this.#closingSegments)
    await this.#handles.closeAll()
  }

  /** The single writer (#isWriting is set by its starter): writes everything queued, in order, then hands it to the syncer. */
  async #writeLoop (): Promise<void> {
    try {
      while (this.#toWrite.length > 0) {
        const appends = this.#toWrite.splice(0)
        try {
          await this.#writeAll(appends)
        } catch (error) {
          // Not expected (#writeAll settles its own failures); never leave a producer waiting.
          for (const append of appends) append.reject(error)
        }
        void this.#syncLoop()
      }
    } finally {
      this.#isWriting = false
      this.#notifyIfIdle()
    }
  }

  async #writeAll (appends: PendingAppend[]): Promise<void> {
    let index = 0
    while (index < appends.length) {
      let segment: Segment
      try {
        segment = await this.#segmentFor(appends[index]!.size)
      } catch (error) {
        for (const append of appends.slice(index)) append.reject(error)
        return
      }
      // Deleted while a new segment was being opened: take another.
      if (segment.isRetired) continue
      // As many appends as fit go into one writev; the first one always does.
      const group = [appends[index++]!]
      let groupSize = group[0]!.size
      while (index < appends.length && segment.size + groupSize + appends[index]!.size <= this.#segmentBytes) {
        groupSize += appends[index]!.size
        group.push(appends[index++]!)
      }
      let position = segment.size
      segment.unsyncedCount += group.length
      try {
        await writeFully(segment.handle, group.flatMap(append => append.chunks), position)
      } catch (error) {
        segment.unsyncedCount -= group.length
        segment.failure ??= error
        this.#retire(segment)
        for (const append of group) append.reject(error)
        continue
      }
      segment.size = position + groupSize
      this.#stats.appendCount += group.length
      this.#stats.bytesWritten += groupSize
      for (const append of group) {
        append.segment = segment
        append.position = position
        position += append.size
        this.#toSync.push(append)
      }
    }
  }

  /** The current segment if the append fits (or it is empty), else a new one. */
  async #segmentFor (size: number): Promise<Segment> {
    const current = this.#current
    if (current !== undefined && !current.isRetired && (current.size === 0 || current.size + size <= this.#segmentBytes)) {
      return current
    }
    if (current !== undefined) this.#retire(current)
    for (;;) {
      const key = String(++this.#lastSequence).padStart(20, '0')
      let handle: FileHandle
      try {
        // Exclusive create: another process sharing the directory may have taken this sequence.
        handle = await open(this.#pathOf(key), 'wx')
      } catch (error) {
        if (isErrorCode(error, 'EEXIST')) continue
        throw error
      }
      try {
        await syncDirectory(this.#segmentsDir)
      } catch (error) {
        await handle.close()
        throw error
      }
      this.#stats.segmentsCreated++
      const segment: Segment = {
        key, handle, size: 0, unsyncedCount: 0, isRetired: false, isClosed: false, failure: undefined
      }
      this.#current = segment
      this.#openSegments.set(key, segment)
      return segment
    }
  }

  /** The group committer: one round of fdatasync covers everything written before it began. */
  async #syncLoop (): Promise<void> {
    if (this.#isSyncing) return
    this.#isSyncing = true
    try {
      while (this.#toSync.length > 0) {
        const covered = this.#toSync.splice(0)
        const segments = new Set<Segment>()
        for (const append of covered) segments.add(append.segment!)
        await Promise.all([...segments].map(async segment => {
          if (segment.failure !== undefined) return
          try {
            await segment.handle.datasync()
          } catch (error) {
            // After a failed fsync the kernel may have dropped the pages: trust nothing in it.
            segment.failure = error
            this.#retire(segment)
          }
        }))
        this.#stats.syncCount++
        for (const append of covered) {
          const segment = append.segment!
          segment.unsyncedCount--
          if (segment.failure !== undefined) append.reject(segment.failure)
          else append.resolve({ objectKey: segment.key, position: append.position! })
        }
        for (const segment of segments) this.#closeIfDone(segment)
      }
    } finally {
      this.#isSyncing = false
      this.#notifyIfIdle()
    }
  }

  #retire (segment: Segment): void {
    segment.isRetired = true
    if (this.#current === segment) this.#current = undefined
    this.#closeIfDone(segment)
  }

  #closeIfDone (segment: Segment): void {
    if (!segment.isRetired || segment.isClosed || segment.unsyncedCount > 0) return
    segment.isClosed = true
    this.#openSegments.delete(segment.key)
    const closing = segment.handle.close()
      .catch(() => {}) // everything in it was synced or has been rejected
      .finally(() => this.#closingSegments.delete(closing))
    this.#closingSegments.add(closing)
  }

  #notifyIfIdle (): void {
    if (this.#isWriting || this.#isSyncing || this.#toWrite.length > 0 || this.#toSync.length > 0) return
    for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }

  #pathOf (key: string): string {
    return join(this.#segmentsDir, `${key}.seg`)
  }
}
