// The diskless log engine: appends go through the flush buffer (one object + one Catalog commit
// per flush); reads come from the in-memory tail or from the ObjectStore by Catalog coordinates,
// with baseOffset patched. Handlers talk to this class, never to the storage backends.
import type { AbortedTransaction, AppendResult, BatchCoordinate, Catalog, PartitionOffsets } from '../storage/catalog.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import { Attributes, findOffsetForTimestamp, patchBaseOffsets, readBatchHeader, sliceBatches, type BatchHeader } from '../protocol/records/record-batch.ts'
import { buildControlBatch, type TransactionMarker } from './transaction-markers.ts'
import { FlushBuffer, type CommittedBatch } from './flush-buffer.ts'
import { PartitionTail, TailCache, type CachedBatch } from './partition-tail.ts'
import { PartitionWatchers } from './partition-watchers.ts'

export interface TopicPartitionRef {
  clusterId: string
  topicId: string
  partition: number
}

export interface LogEngineOptions {
  catalog: Catalog
  objectStore: ObjectStore
  flushBytes: number
  flushMs: number
  maxPendingBytes: number
  tailCacheBytes: number
  onFlushError: (error: unknown, batchCount: number) => void
}

export interface ReadResult {
  chunks: Buffer[]
  bytes: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  /** For a read_committed read: the aborted transactions of the range it may return. */
  abortedTransactions?: AbortedTransaction[]
}

export interface ReadRequest {
  topicId: string
  partition: number
  fetchOffset: number
  maxBytes: number
  /** read_committed: nothing at or after the last stable offset is returned. */
  isReadCommitted?: boolean
}

/** Rows of one object closer than this are read in one go (the gap is read and dropped). */
const MERGE_GAP_BYTES = 256 * 1024
const MAX_RANGE_BYTES = 16 * 1024 * 1024

function partitionKey (topicId: string, partition: number): string {
  return `${topicId}:${partition}`
}

export class LogEngine {
  readonly #catalog: Catalog
  readonly #objectStore: ObjectStore
  readonly #flushBuffer: FlushBuffer
  readonly #tailCache: TailCache
  readonly #tails = new Map<string, { tail: PartitionTail, ready: Promise<PartitionTail | undefined> }>()
  readonly #watchers = new PartitionWatchers()
  #isClosed = false

  constructor (options: LogEngineOptions) {
    this.#catalog = options.catalog
    this.#objectStore = options.objectStore
    this.#tailCache = new TailCache(options.tailCacheBytes)
    this.#flushBuffer = new FlushBuffer({
      catalog: options.catalog,
      objectStore: options.objectStore,
      flushBytes: options.flushBytes,
      flushMs: options.flushMs,
      maxPendingBytes: options.maxPendingBytes,
      onCommitted: batches => this.#onCommitted(batches),
      onFlushError: options.onFlushError
    })
  }

  get flushBuffer (): FlushBuffer {
    return this.#flushBuffer
  }

  get tailCacheBytes (): number {
    return this.#tailCache.bytes
  }

  /**
   * Appends one validated batch; resolves once it is durable and committed. Synchronous up to
   * the queueing, so batches of one connection keep their order.
   */
  append (target: TopicPartitionRef, bytes: Buffer, header: BatchHeader): Promise<AppendResult> {
    return this.#append(target, bytes, header)
  }

  /**
   * Writes a transaction marker (a control batch) for the producer; resolves once it is durable and
   * committed. The Catalog refuses it if the producer's epoch in the partition is newer.
   */
  appendMarker (target: TopicPartitionRef, marker: TransactionMarker): Promise<AppendResult> {
    const bytes = buildControlBatch(marker)
    return this.#append(target, bytes, readBatchHeader(bytes), marker.commit ? 'commit' : 'abort')
  }

  #append (target: TopicPartitionRef, bytes: Buffer, header: BatchHeader, controlType?: 'commit' | 'abort'): Promise<AppendResult> {
    return this.#flushBuffer.append({
      bytes,
      append: {
        clusterId: target.clusterId,
        topicId: target.topicId,
        partition: target.partition,
        offsetCount: header.lastOffsetDelta + 1,
        maxTimestamp: header.maxTimestamp,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        isTransactional: (header.attributes & Attributes.transactional) !== 0,
        isControl: (header.attributes & Attributes.control) !== 0,
        ...(controlType === undefined ? {} : { controlType })
      }
    })
  }

  /** Offsets of a partition; throws KafkaError UNKNOWN_TOPIC_OR_PARTITION if the Catalog has none. */
  async offsets (topicId: string, partition: number): Promise<PartitionOffsets & { lastStableOffset: number }> {
    const tail = await this.#tail(topicId, partition)
    return { logStartOffset: tail.logStartOffset, highWatermark: tail.highWatermark, lastStableOffset: tail.lastStableOffset }
  }

  /**
   * Batches from the one holding `fetchOffset`, up to `maxBytes` (at least one whole batch).
   * Throws KafkaError OFFSET_OUT_OF_RANGE outside [logStartOffset, highWatermark].
   */
  async read (topicId: string, partition: number, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    const [outcome] = await this.readMany([{ topicId, partition, fetchOffset, maxBytes }], maxBytes)
    if (outcome instanceof KafkaError) throw outcome
    return outcome!
  }

  /**
   * Reads the partitions of one Fetch: each from its fetch offset up to its own maxBytes, and all
   * together up to `totalMaxBytes` in request order, the first partition with data getting at
   * least one whole batch (KIP-74). Rows that come from the ObjectStore are read together:
   * neighbouring rows of one object (a flush holds every partition's batches) become one read.
   * A partition that cannot be read gets its KafkaError in its place.
   */
  async readMany (requests: readonly ReadRequest[], totalMaxBytes: number): Promise<Array<ReadResult | KafkaError>> {
    const located = await Promise.all(requests.map(request => this.#locate(request)))
    const plans: Array<{ request: ReadRequest, result: ReadResult, rows: BatchCoordinate[], limit: number, endOffset: number, mayExceed: boolean } | undefined> = []
    let plannedBytes = 0
    for (const [index, request] of requests.entries()) {
      const found = located[index]!
      if (found instanceof KafkaError) {
        plans.push(undefined)
        continue
      }
      // Only the response's first batch may be larger than what is left (KIP-74).
      const mayExceed = plannedBytes === 0
      const limit = mayExceed
        ? Math.max(1, Math.min(request.maxBytes, totalMaxBytes))
        : Math.min(request.maxBytes, totalMaxBytes - plannedBytes)
      const { result, endOffset } = found
      if (found.cached !== undefined) {
        for (const batch of found.cached) {
          if (batch.baseOffset >= endOffset) break
          if ((result.bytes > 0 || !mayExceed) && result.bytes + batch.bytes.length > limit) break
          if (limit <= 0) break
          result.chunks.push(batch.bytes)
          result.bytes += batch.bytes.length
        }
        plannedBytes += result.bytes
        plans.push(undefined)
        continue
      }
      const rows: BatchCoordinate[] = []
      let rowBytes = 0
      for (const row of found.rows) {
        if (row.baseOffset >= endOffset) break
        if (limit <= 0 || (rows.length > 0 && rowBytes + row.size > limit)) break
        rows.push(row)
        rowBytes += row.size
      }
      plannedBytes += Math.min(rowBytes, Math.max(limit, 0))
      plans.push({ request, result, rows, limit, endOffset, mayExceed })
    }
    const bytesOf = await this.#readRows(plans.flatMap(plan => plan?.rows ?? []))
    for (const plan of plans) {
      if (plan === undefined) continue
      const { request, result, rows, limit, endOffset, mayExceed } = plan
      for (const row of rows) {
        const bytes = bytesOf.get(row)!
        patchBaseOffsets(bytes, row.baseOffset)
        const slice = sliceBatches(bytes, row.baseOffset, request.fetchOffset, limit - result.bytes, mayExceed && result.bytes === 0, endOffset)
        if (slice.bytes.length > 0) {
          result.chunks.push(slice.bytes)
          result.bytes += slice.bytes.length
        }
        if (slice.isCut || result.bytes >= limit) break
      }
    }
    return located.map(found => found instanceof KafkaError ? found : found.result)
  }

  /** Offsets, cached batches or the coordinates to read, for one partition of a read. */
  async #locate (request: ReadRequest): Promise<KafkaError | { result: ReadResult, cached?: CachedBatch[], rows: BatchCoordinate[], endOffset: number }> {
    const { topicId, partition, fetchOffset, maxBytes } = request
    let tail: PartitionTail
    try {
      tail = await this.#tail(topicId, partition)
    } catch (error) {
      if (error instanceof KafkaError) return error
      throw error
    }
    const lastStableOffset = tail.lastStableOffset
    const result: ReadResult = {
      chunks: [], bytes: 0, highWatermark: tail.highWatermark, lastStableOffset, logStartOffset: tail.logStartOffset
    }
    if (fetchOffset < tail.logStartOffset || fetchOffset > tail.highWatermark) {
      return new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fetchOffset} is outside [${tail.logStartOffset}, ${tail.highWatermark}]`)
    }
    const endOffset = request.isReadCommitted === true ? lastStableOffset : tail.highWatermark
    if (request.isReadCommitted === true) result.abortedTransactions = tail.abortedBetween(fetchOffset, endOffset)
    if (fetchOffset >= endOffset || maxBytes <= 0) return { result, rows: [], endOffset }
    const cached = tail.read(fetchOffset, maxBytes)
    if (cached !== undefined) return { result, cached, rows: [], endOffset }
    return { result, rows: await this.#catalog.findBatches(topicId, partition, fetchOffset, maxBytes), endOffset }
  }

  /**
   * Reads coordinate rows with as few ObjectStore reads as possible: rows of one object whose
   * gaps are small are read as one range. Each row gets its own slice, which the caller patches.
   */
  async #readRows (rows: BatchCoordinate[]): Promise<Map<BatchCoordinate, Buffer>> {
    const sorted = [...rows].sort((a, b) => a.objectKey < b.objectKey ? -1 : a.objectKey > b.objectKey ? 1 : a.position - b.position)
    const ranges: Array<{ objectKey: string, start: number, end: number, rows: BatchCoordinate[] }> = []
    for (const row of sorted) {
      const last = ranges[ranges.length - 1]
      const end = row.position + row.size
      if (last !== undefined && last.objectKey === row.objectKey && row.position <= last.end + MERGE_GAP_BYTES &&
        Math.max(last.end, end) - last.start <= MAX_RANGE_BYTES) {
        last.end = Math.max(last.end, end)
        last.rows.push(row)
      } else {
        ranges.push({ objectKey: row.objectKey, start: row.position, end, rows: [row] })
      }
    }
    const buffers = await Promise.all(ranges.map(range => this.#objectStore.read(range.objectKey, range.start, range.end - range.start)))
    const bytesOf = new Map<BatchCoordinate, Buffer>()
    for (const [index, range] of ranges.entries()) {
      const buffer = buffers[index]!
      for (const row of range.rows) bytesOf.set(row, buffer.subarray(row.position - range.start, row.position - range.start + row.size))
    }
    return bytesOf
  }

  /** A mark to pass to waitForData: taken before reading, it makes the wait miss no commit. */
  get commitSequence (): number {
    return this.#watchers.sequence
  }

  /**
   * Resolves when any of the partitions gets data committed after `sinceSequence` (at once if it
   * already has), or after `timeoutMs`.
   */
  waitForData (keys: ReadonlyArray<{ topicId: string, partition: number }>, timeoutMs: number, sinceSequence: number): Promise<void> {
    return this.#watchers.wait(keys.map(({ topicId, partition }) => partitionKey(topicId, partition)), timeoutMs, sinceSequence)
  }

  /** ListOffsets by timestamp: the first offset whose record timestamp is >= `timestamp`. */
  async offsetForTimestamp (topicId: string, partition: number, timestamp: number): Promise<{ offset: number, timestamp: number } | undefined> {
    const tail = await this.#tail(topicId, partition)
    const coordinate = await this.#catalog.findBatchByTimestamp(topicId, partition, timestamp)
    if (coordinate === undefined) return undefined
    const found = findOffsetForTimestamp(await this.#readCoordinate(coordinate), coordinate.baseOffset, timestamp)
    if (found !== undefined && found.offset < tail.logStartOffset) return { offset: tail.logStartOffset, timestamp: found.timestamp }
    return found
  }

  /** ListOffsets MAX_TIMESTAMP: the offset of the first record holding the largest timestamp, and that timestamp. */
  async maxTimestamp (topicId: string, partition: number): Promise<{ offset: number, timestamp: number } | undefined> {
    await this.#tail(topicId, partition)
    const coordinate = await this.#catalog.findMaxTimestampBatch(topicId, partition)
    if (coordinate === undefined) return undefined
    const found = findOffsetForTimestamp(await this.#readCoordinate(coordinate), coordinate.baseOffset, coordinate.maxTimestamp)
    return found ?? { offset: coordinate.baseOffset, timestamp: coordinate.maxTimestamp }
  }

  /** DeleteRecords: moves the log start offset up; returns the new low watermark. */
  async deleteRecordsBefore (topicId: string, partition: number, offset: number): Promise<number> {
    const tail = await this.#tail(topicId, partition)
    const target = offset === -1 ? tail.highWatermark : offset
    const logStartOffset = await this.#catalog.advanceLogStartOffset(topicId, partition, target)
    this.setLogStartOffset(topicId, partition, logStartOffset)
    return logStartOffset
  }

  /** Applies a log start offset moved by retention or DeleteRecords to the in-memory state. */
  setLogStartOffset (topicId: string, partition: number, logStartOffset: number): void {
    const entry = this.#tails.get(partitionKey(topicId, partition))
    if (entry === undefined) return
    entry.tail.logStartOffset = Math.max(entry.tail.logStartOffset, logStartOffset)
    entry.tail.trimBefore(entry.tail.logStartOffset)
  }

  /**
   * Whether an object may still gain references: the one the last flush wrote to (the fs store
   * keeps appending to it) or one a flush in flight is writing.
   */
  isObjectInUse (objectKey: string): boolean {
    return this.#flushBuffer.isObjectInUse(objectKey)
  }

  /** Forgets in-memory state of a deleted topic's partitions. */
  forgetTopic (topicId: string, partitionCount: number): void {
    for (let partition = 0; partition < partitionCount; partition++) {
      this.#tails.delete(partitionKey(topicId, partition))
      this.#watchers.forget(partitionKey(topicId, partition))
    }
  }

  /** Reads the batches of one coordinate row with their offsets written in. */
  async #readCoordinate (coordinate: BatchCoordinate): Promise<Buffer> {
    const bytes = (await this.#readRows([coordinate])).get(coordinate)!
    patchBaseOffsets(bytes, coordinate.baseOffset)
    return bytes
  }

  /** True once the node is stopping: long polls stop waiting. */
  get isClosed (): boolean {
    return this.#isClosed
  }

  async close (): Promise<void> {
    this.#isClosed = true
    await this.#flushBuffer.close()
    this.#watchers.wakeAll()
  }

  async #tail (topicId: string, partition: number): Promise<PartitionTail> {
    const key = partitionKey(topicId, partition)
    let entry = this.#tails.get(key)
    if (entry === undefined) {
      const tail = new PartitionTail()
      tail.highWatermark = -1
      const ready = this.#loadTail(topicId, partition, tail).then(loaded => {
        if (!loaded) this.#tails.delete(key)
        return loaded ? tail : undefined
      }, error => {
        this.#tails.delete(key)
        throw error
      })
      entry = { tail, ready }
      this.#tails.set(key, entry)
    }
    const tail = await entry.ready
    if (tail === undefined) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} of topic id ${topicId} does not exist`)
    }
    return tail
  }

  /**
   * Fills a new tail from the Catalog: offsets, open transactions and aborted ranges. Commits that
   * land meanwhile already changed the tail; what they did wins over what the Catalog said before them.
   */
  async #loadTail (topicId: string, partition: number, tail: PartitionTail): Promise<boolean> {
    const offsets = await this.#catalog.getPartitionOffsets(topicId, partition)
    if (offsets === undefined) return false
    const [producers, aborted] = await Promise.all([
      this.#catalog.listPartitionProducers(topicId, partition),
      this.#catalog.listAbortedTransactions(topicId, partition, offsets.logStartOffset)
    ])
    const isTouched = tail.highWatermark > offsets.highWatermark
    tail.highWatermark = Math.max(tail.highWatermark, offsets.highWatermark)
    tail.logStartOffset = Math.max(tail.logStartOffset, offsets.logStartOffset)
    for (const producer of producers) {
      if (producer.currentTxnFirstOffset < 0 || tail.openTransactions.has(producer.producerId)) continue
      // A marker committed during the load may have closed it since; only an untouched tail can tell.
      if (!isTouched) tail.openTransactions.set(producer.producerId, producer.currentTxnFirstOffset)
    }
    const known = new Set(tail.aborted.map(entry => entry.lastOffset))
    tail.aborted = [...aborted.filter(entry => !known.has(entry.lastOffset)), ...tail.aborted].sort((a, b) => a.lastOffset - b.lastOffset)
    return true
  }

  #onCommitted (batches: CommittedBatch[]): void {
    const touched = new Set<string>()
    for (const { batch, result } of batches) {
      // A duplicate (an idempotent producer's retry) was answered with its original offset; its
      // bytes are in the object but no coordinate points to them, so it is not new data.
      if (result.errorCode !== 0 || !('baseOffset' in result) || result.isDuplicate === true) continue
      const { topicId, partition, offsetCount, maxTimestamp } = batch.append
      const key = partitionKey(topicId, partition)
      touched.add(key)
      const entry = this.#tails.get(key)
      if (entry === undefined) continue
      const lastOffset = result.baseOffset + offsetCount - 1
      entry.tail.highWatermark = Math.max(entry.tail.highWatermark, lastOffset + 1)
      const { producerId, isTransactional, isControl, controlType } = batch.append
      if (isControl) {
        const firstOffset = entry.tail.openTransactions.get(producerId)
        entry.tail.openTransactions.delete(producerId)
        if (controlType === 'abort' && firstOffset !== undefined) entry.tail.aborted.push({ producerId, firstOffset, lastOffset })
      } else if (isTransactional && !entry.tail.openTransactions.has(producerId)) {
        entry.tail.openTransactions.set(producerId, result.baseOffset)
      }
      // The bytes are on disk already; from now on the in-memory copy carries its real offsets.
      patchBaseOffsets(batch.bytes, result.baseOffset)
      if (entry.tail.highWatermark === lastOffset + 1) {
        this.#tailCache.add(entry.tail, { baseOffset: result.baseOffset, lastOffset, maxTimestamp, bytes: batch.bytes })
      }
    }
    for (const key of touched) this.#watchers.notify(key)
  }
}
