// A least-recently-used cache of open read-only file handles, so that fetches read segment
// files with positioned reads instead of opening a file per read. A handle in use is never
// closed under its reader: eviction waits until the last user is done.

import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

interface Entry {
  handle: Promise<FileHandle>
  users: number
  isEvicted: boolean
}

export class HandleCache {
  #maxOpen: number
  /** Insertion order is recency order: the first entry is the least recently used. */
  #entries = new Map<string, Entry>()
  #closing = new Set<Promise<void>>()

  constructor (maxOpen: number) {
    this.#maxOpen = Math.max(1, maxOpen)
  }

  /** Runs `work` with an open handle on `path`; opening errors (ENOENT ...) are passed through. */
  async use<T> (path: string, work: (handle: FileHandle) => Promise<T>): Promise<T> {
    let entry = this.#entries.get(path)
    if (entry === undefined) {
      entry = { handle: open(path, 'r'), users: 1, isEvicted: false }
      this.#entries.set(path, entry)
      this.#trim()
    } else {
      entry.users++
      this.#entries.delete(path)
      this.#entries.set(path, entry)
    }
    try {
      return await work(await entry.handle)
    } catch (error) {
      // A failed open must not stay cached: the next use tries again.
      if (this.#entries.get(path) === entry && !(await isOpened(entry))) this.#entries.delete(path)
      throw error
    } finally {
      entry.users--
      if (entry.isEvicted && entry.users === 0) this.#close(entry)
    }
  }

  /** Forgets the handle of `path` (file deleted); it is closed once no reader uses it. */
  evict (path: string): void {
    const entry = this.#entries.get(path)
    if (entry === undefined) return
    this.#entries.delete(path)
    entry.isEvicted = true
    if (entry.users === 0) this.#close(entry)
  }

  async closeAll (): Promise<void> {
    for (const path of [...this.#entries.keys()]) this.evict(path)
    await Promise.all(this.#closing)
  }

  get size (): number {
    return this.#entries.size
  }

  #trim (): void {
    for (const [path, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxOpen) return
      if (entry.users === 0) this.evict(path)
    }
  }

  #close (entry: Entry): void {
    const closing = entry.handle.then(
      async handle => await handle.close(),
      () => {} // never opened: nothing to close
    ).catch(() => {}) // a failing close of a read-only handle loses nothing
      .finally(() => this.#closing.delete(closing))
    this.#closing.add(closing)
  }
}

async function isOpened (entry: Entry): Promise<boolean> {
  return await entry.handle.then(() => true, () => false)
}
