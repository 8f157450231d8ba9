// The flush buffer: batches from every partition and cluster wait here for the next flush.
// A flush writes one object and then makes one Catalog commit for all of its batches (group
// commit); producers are answered only after both. One flush is in flight at a time: what
// arrives meanwhile goes into the next one, so the flush size follows the load.
import type { AppendResult, BatchAppend, Catalog } from '../storage/catalog.ts'
import type { ObjectStore } from '../storage/object-store.ts'

export interface PendingBatch {
  append: Omit<BatchAppend, 'position' | 'size'>
  bytes: Buffer
}

export interface CommittedBatch {
  batch: PendingBatch
  result: AppendResult
  objectKey: string
  position: number
}

export interface FlushBufferOptions {
  objectStore: ObjectStore
  catalog: Catalog
  /** Upper bound of one flush; more pending bytes are split over several flushes. */
  flushBytes: number
  /** How long a flush waits for more batches when the buffer is idle (0: next tick). */
  flushMs: number
  /** Bytes accepted but not yet committed, beyond which appends wait (backpressure). */
  maxPendingBytes: number
  /** Told of every flush's results before the producers are answered, in commit order. */
  onCommitted: (batches: CommittedBatch[]) => void
  onFlushError: (error: unknown, batchCount: number) => void
}

interface Waiting {
  batch: PendingBatch
  resolve: (result: AppendResult) => void
  reject: (error: unknown) => void
}

export class FlushBuffer {
  readonly #options: FlushBufferOptions
  #queue: Waiting[] = []
  #queuedBytes = 0
  #inFlightBytes = 0
  #isFlushing = false
  #isScheduled = false
  #spaceWaiters: Array<() => void> = []
  #closed = false
  #lastObjectKey: string | undefined

  constructor (options: FlushBufferOptions) {
    this.#options = options
  }

  get pendingBytes (): number {
    return this.#queuedBytes + this.#inFlightBytes
  }

  /** True when an append would have to wait for room. */
  get isFull (): boolean {
    return this.pendingBytes >= this.#options.maxPendingBytes
  }

  /** Resolves once the buffer has room; callers await this before `append` to apply backpressure. */
  async waitForSpace (): Promise<void> {
    while (this.isFull && !this.#closed) {
      await new Promise<void>(resolve => this.#spaceWaiters.push(resolve))
    }
  }

  /**
   * Queues one batch (synchronously, so appends keep their call order) and resolves with its
   * commit result once the flush holding it is durable and committed.
   */
  append (batch: PendingBatch): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error('flush buffer is closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject })
      this.#queuedBytes += batch.bytes.length
      this.#schedule()
    })
  }

  /** The object the last flush went to, or any while a flush is writing (its key is not known yet). */
  isObjectInUse (objectKey: string): boolean {
    return this.#isFlushing || objectKey === this.#lastObjectKey
  }

  /** Flushes what is queued and refuses further appends. */
  async close (): Promise<void> {
    this.#closed = true
    while (this.#queue.length > 0 || this.#isFlushing) {
      if (!this.#isFlushing) await this.#flush()
      else await new Promise(resolve => setTimeout(resolve, 1))
    }
    for (const wake of this.#spaceWaiters.splice(0)) wake()
  }

  #schedule (): void {
    if (this.#isFlushing || this.#isScheduled) return
    this.#isScheduled = true
    if (this.#queuedBytes >= this.#options.flushBytes || this.#options.flushMs === 0) {
      setImmediate(() => this.#startFlush())
    } else {
      setTimeout(() => this.#startFlush(), this.#options.flushMs)
    }
  }

  #startFlush (): void {
    this.#isScheduled = false
    this.#flush().then(
      () => { if (this.#queue.length > 0) this.#schedule() },
      error => this.#options.onFlushError(error, 0)
    )
  }

  async #flush (): Promise<void> {
    if (this.#isFlushing || this.#queue.length === 0) return
    this.#isFlushing = true
    const taken = this.#take()
    try {
      await this.#write(taken)
    } finally {
      this.#isFlushing = false
      this.#inFlightBytes = 0
      this.#wakeSpaceWaiters()
    }
  }

  #take (): Waiting[] {
    let bytes = 0
    let count = 0
    while (count < this.#queue.length && (count === 0 || bytes < this.#options.flushBytes)) {
      bytes += this.#queue[count]!.batch.bytes.length
      count++
    }
    const taken = this.#queue.splice(0, count)
    this.#queuedBytes -= bytes
    this.#inFlightBytes = bytes
    return taken
  }

  async #write (taken: Waiting[]): Promise<void> {
    const chunks = taken.map(waiting => waiting.batch.bytes)
    let objectKey: string
    let basePosition: number
    let results: AppendResult[]
    try {
      const location = await this.#options.objectStore.append(chunks)
      objectKey = location.objectKey
      this.#lastObjectKey = objectKey
      basePosition = location.position
      let position = basePosition
      const appends: BatchAppend[] = taken.map(({ batch }) => {
        const append = { ...batch.append, position, size: batch.bytes.length }
        position += batch.bytes.length
        return append
      })
      results = await this.#options.catalog.commitAppends(objectKey, appends)
    } catch (error) {
      // Nothing of this flush is committed: the object (if written) is an orphan and every
      // producer gets an error, so no acknowledged record is lost.
      this.#options.onFlushError(error, taken.length)
      for (const waiting of taken) waiting.reject(error)
      return
    }
    let position = basePosition
    const committed: CommittedBatch[] = taken.map((waiting, index) => {
      const entry = { batch: waiting.batch, result: results[index]!, objectKey, position }
      position += waiting.batch.bytes.length
      return entry
    })
    this.#options.onCommitted(committed)
    this.#inFlightBytes = 0
    this.#wakeSpaceWaiters()
    for (const [index, waiting] of taken.entries()) waiting.resolve(results[index]!)
  }

  #wakeSpaceWaiters (): void {
    if (this.isFull) return
    for (const wake of this.#spaceWaiters.splice(0)) wake()
  }
}
