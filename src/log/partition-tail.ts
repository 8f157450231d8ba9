// What a node keeps in memory per partition: its offsets and the recently committed batches
// (already patched with their offsets), so that consumers keeping up with producers are served
// from memory. Bytes are bounded globally by TailCache; older data is read from the ObjectStore.
// It also tracks the partition's transactions: the first offset of each producer's open one (the
// last stable offset is the least of them) and the aborted ranges read_committed fetches return.
import type { AbortedTransaction } from '../storage/catalog.ts'

export interface CachedBatch {
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  bytes: Buffer
}

export class PartitionTail {
  highWatermark = 0
  logStartOffset = 0
  /** First offset of each producer's open transaction, by producer id. */
  readonly openTransactions = new Map<number, number>()
  /** Aborted transactions by marker offset (lastOffset). */
  aborted: AbortedTransaction[] = []
  /** Cached batches in offset order; entries before `#head` are evicted. */
  #batches: CachedBatch[] = []
  #head = 0

  /** The offset below which every transaction is decided: the first open transaction's first offset, or the high watermark. */
  get lastStableOffset (): number {
    let stable = this.highWatermark
    for (const firstOffset of this.openTransactions.values()) stable = Math.min(stable, firstOffset)
    return stable
  }

  /** Aborted transactions a read_committed fetch of [fetchOffset, upToOffset) must be told about. */
  abortedBetween (fetchOffset: number, upToOffset: number): AbortedTransaction[] {
    return this.aborted.filter(entry => entry.lastOffset >= fetchOffset && entry.firstOffset < upToOffset)
  }

  get firstCachedOffset (): number | undefined {
    return this.#batches[this.#head]?.baseOffset
  }

  add (batch: CachedBatch): void {
    const last = this.#batches[this.#batches.length - 1]
    // A gap (batches committed while this tail was not loaded) would make the cache lie.
    if (last !== undefined && last.lastOffset + 1 !== batch.baseOffset) this.clear()
    this.#batches.push(batch)
  }

  /** Drops the oldest cached batch if it is `batch`; returns whether it did. */
  evict (batch: CachedBatch): boolean {
    if (this.#batches[this.#head] !== batch) return false
    this.#head++
    if (this.#head > 64 && this.#head * 2 > this.#batches.length) {
      this.#batches = this.#batches.slice(this.#head)
      this.#head = 0
    }
    return true
  }

  clear (): void {
    this.#batches = []
    this.#head = 0
  }

  /**
   * Cached batches from the one holding `fetchOffset`, up to `maxBytes` (at least one batch, as
   * Kafka returns a first batch larger than the limit so the consumer can make progress).
   * Undefined when the offset is not in the cache.
   */
  read (fetchOffset: number, maxBytes: number): CachedBatch[] | undefined {
    const first = this.#batches[this.#head]
    if (first === undefined || fetchOffset < first.baseOffset) return undefined
    let low = this.#head
    let high = this.#batches.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.#batches[middle]!.lastOffset < fetchOffset) low = middle + 1
      else high = middle
    }
    const found: CachedBatch[] = []
    let bytes = 0
    for (let index = low; index < this.#batches.length; index++) {
      const batch = this.#batches[index]!
      if (batch.lastOffset < fetchOffset) return undefined
      if (found.length > 0 && bytes + batch.bytes.length > maxBytes) break
      found.push(batch)
      bytes += batch.bytes.length
    }
    return found
  }

  /** Forgets cached batches and aborted ranges below the log start offset (DeleteRecords, retention). */
  trimBefore (offset: number): void {
    while (this.#head < this.#batches.length && this.#batches[this.#head]!.lastOffset < offset) this.#head++
    if (this.aborted.length > 0 && this.aborted[0]!.lastOffset < offset) this.aborted = this.aborted.filter(entry => entry.lastOffset >= offset)
  }
}

/** A global byte budget over every partition's cached batches, evicting the oldest first. */
export class TailCache {
  readonly #maxBytes: number
  #bytes = 0
  #order: Array<{ tail: PartitionTail, batch: CachedBatch }> = []
  #head = 0

  constructor (maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get bytes (): number {
    return this.#bytes
  }

  add (tail: PartitionTail, batch: CachedBatch): void {
    if (this.#maxBytes <= 0) return
    tail.add(batch)
    this.#order.push({ tail, batch })
    this.#bytes += batch.bytes.length
    while (this.#bytes > this.#maxBytes && this.#head < this.#order.length) {
      const oldest = this.#order[this.#head]!
      this.#head++
      oldest.tail.evict(oldest.batch)
      this.#bytes -= oldest.batch.bytes.length
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
  }
}
