// The flush buffer: batches from every partition and cluster wait here for the next flush.
// A flush writes one object and then makes one Catalog commit for all of its batches (group
// commit); producers are answered only after both. Up to `maxConcurrentFlushes` flushes are in
// flight: the next object is written while the previous flush commits, but commits happen in
// flush order, so batches of one producer keep their order in the log.
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
  /** Flushes in flight at once (default 2: one writing its object while one commits). */
  maxConcurrentFlushes?: number
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
  readonly #maxConcurrentFlushes: number
  #queue: Waiting[] = []
  #queuedBytes = 0
  #inFlightBytes = 0
  #flushesInFlight = 0
  #isScheduled = false
  /** Settles when the latest flush has committed (or failed): the next commit waits for it. */
  #lastCommit: Promise<void> = Promise.resolve()
  #spaceWaiters: Array<() => void> = []
  #idleWaiters: Array<() => void> = []
  #closed = false
  #lastObjectKey: string | undefined

  constructor (options: FlushBufferOptions) {
    this.#options = options
    this.#maxConcurrentFlushes = Math.max(1, options.maxConcurrentFlushes ?? 2)
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
    return this.#flushesInFlight > 0 || objectKey === this.#lastObjectKey
  }

  /** Flushes what is queued, waits for the flushes in flight, and refuses further appends. */
  async close (): Promise<void> {
    this.#closed = true
    while (this.#queue.length > 0 || this.#flushesInFlight > 0) {
      if (this.#queue.length > 0 && this.#flushesInFlight < this.#maxConcurrentFlushes) this.#startFlush()
      else await new Promise<void>(resolve => this.#idleWaiters.push(resolve))
    }
    for (const wake of this.#spaceWaiters.splice(0)) wake()
  }

  #schedule (): void {
    if (this.#isScheduled || this.#queue.length === 0 || this.#flushesInFlight >= this.#maxConcurrentFlushes) return
    this.#isScheduled = true
    const run = (): void => {
      this.#isScheduled = false
      this.#startFlush()
    }
    if (this.#queuedBytes >= this.#options.flushBytes || this.#options.flushMs === 0) setImmediate(run)
    else setTimeout(run, this.#options.flushMs)
  }

  #startFlush (): void {
    if (this.#queue.length === 0 || this.#flushesInFlight >= this.#maxConcurrentFlushes) return
    const { taken, bytes } = this.#take()
    this.#flushesInFlight++
    const previousCommit = this.#lastCommit
    let committed!: () => void
    this.#lastCommit = new Promise(resolve => { committed = resolve })
    // Room is freed before the producers are answered, so an answered producer finds it free.
    const finished = (): void => {
      committed()
      this.#flushesInFlight--
      this.#inFlightBytes -= bytes
      this.#wakeSpaceWaiters()
      for (const wake of this.#idleWaiters.splice(0)) wake()
      this.#schedule()
    }
    this.#write(taken, previousCommit, finished).catch(error => this.#options.onFlushError(error, 0))
  }

  #take (): { taken: Waiting[], bytes: number } {
    let bytes = 0
    let count = 0
    while (count < this.#queue.length && (count === 0 || bytes < this.#options.flushBytes)) {
      bytes += this.#queue[count]!.batch.bytes.length
      count++
    }
    const taken = this.#queue.splice(0, count)
    this.#queuedBytes -= bytes
    this.#inFlightBytes += bytes
    return { taken, bytes }
  }

  async #write (taken: Waiting[], previousCommit: Promise<void>, finished: () => void): Promise<void> {
    let objectKey: string
    let basePosition: number
    let results: AppendResult[]
    try {
      const location = await this.#options.objectStore.append(taken.map(waiting => waiting.batch.bytes))
      objectKey = location.objectKey
      basePosition = location.position
      this.#lastObjectKey = objectKey
      let position = basePosition
      const appends: BatchAppend[] = taken.map(({ batch }) => {
        const append = { ...batch.append, position, size: batch.bytes.length }
        position += batch.bytes.length
        return append
      })
      await previousCommit
      results = await this.#options.catalog.commitAppends(objectKey, appends)
    } catch (error) {
      // Nothing of this flush is committed: the object (if written) is an orphan and every
      // producer gets an error, so no acknowledged record is lost.
      finished()
      this.#options.onFlushError(error, taken.length)
      for (const waiting of taken) waiting.reject(error)
      return
    }
    let position = basePosition
    const batches: CommittedBatch[] = taken.map((waiting, index) => {
      const entry = { batch: waiting.batch, result: results[index]!, objectKey, position }
      position += waiting.batch.bytes.length
      return entry
    })
    this.#options.onCommitted(batches)
    finished()
    for (const [index, waiting] of taken.entries()) waiting.resolve(results[index]!)
  }

  #wakeSpaceWaiters (): void {
    if (this.isFull) return
    for (const wake of this.#spaceWaiters.splice(0)) wake()
  }
}
