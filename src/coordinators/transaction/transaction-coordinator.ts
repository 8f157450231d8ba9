// The transaction coordinator: InitProducerId with a transactional id, AddPartitionsToTxn,
// AddOffsetsToTxn, TxnOffsetCommit, EndTxn and the timeouts that abort, following Kafka's
// TransactionCoordinator. Transaction state lives in the Catalog (DESIGN.md): every change is
// saved before it is answered, and operations on one transactional id run one at a time.
// Ending a transaction saves PrepareCommit/PrepareAbort first (the decision), then writes a
// marker into each of its partitions through the log engine, then stores CompleteCommit (with
// the transaction's offsets) or CompleteAbort in one Catalog transaction. A decision whose markers
// could not be written is finished by the periodic check, and on start.
// Fencing: a new InitProducerId, or a timeout, aborts the open transaction with the epoch raised
// by one, so the old producer's requests and batches are refused from then on.
import type { Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { AppendResult, Catalog, CommittedOffset, GroupPartition, PendingTxnOffset, TransactionRecord } from '../../storage/catalog.ts'
import { MAX_PRODUCER_EPOCH } from '../../storage/producer-sequences.ts'
import type { TopicPartitionRef } from '../../log/log-engine.ts'
import type { TransactionMarker } from '../../log/transaction-markers.ts'
import { KeyedQueue } from '../group/keyed-queue.ts'

/** What the coordinator needs of the log engine. */
export interface MarkerWriter {
  appendMarker: (target: TopicPartitionRef, marker: TransactionMarker) => Promise<AppendResult>
}

export interface TransactionCoordinatorOptions {
  catalog: Catalog
  markers: MarkerWriter
  clock: Clock
  logger: Logger
  settings: { maxTimeoutMs: number, abortCheckIntervalMs: number }
}

/** The producer a request says it is. */
export interface ProducerIdentity {
  clusterId: string
  transactionalId: string
  producerId: number
  producerEpoch: number
}

export type InitResult = { errorCode: 0, producerId: number, producerEpoch: number } | { errorCode: number }

function txnKey (clusterId: string, transactionalId: string): string {
  return `${clusterId}\u0000${transactionalId}`
}

function isPrepared (record: TransactionRecord): boolean {
  return record.state === 'PrepareCommit' || record.state === 'PrepareAbort'
}

export class TransactionCoordinator {
  readonly #catalog: Catalog
  readonly #markers: MarkerWriter
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #settings: TransactionCoordinatorOptions['settings']
  readonly #queues = new KeyedQueue()
  #timer: NodeJS.Timeout | undefined
  #isChecking = false

  constructor (options: TransactionCoordinatorOptions) {
    this.#catalog = options.catalog
    this.#markers = options.markers
    this.#clock = options.clock
    this.#logger = options.logger
    this.#settings = options.settings
  }

  /** Finishes decided transactions left by an earlier run, then checks for timeouts periodically. */
  async start (): Promise<void> {
    await this.checkTransactions()
    this.#timer = setInterval(() => { void this.checkTransactions() }, this.#settings.abortCheckIntervalMs)
    this.#timer.unref()
  }

  close (): void {
    clearInterval(this.#timer)
  }

  /** InitProducerId with a transactional id. */
  async initProducerId (clusterId: string, transactionalId: string, timeoutMs: number,
    expected: { producerId: number, producerEpoch: number } | undefined): Promise<InitResult> {
    if (!(timeoutMs > 0 && timeoutMs <= this.#settings.maxTimeoutMs)) {
      this.#logger.info({ transactionalId, timeoutMs, maxTimeoutMs: this.#settings.maxTimeoutMs }, 'InitProducerId with an invalid transaction timeout')
      return { errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT }
    }
    return await this.#queues.run(txnKey(clusterId, transactionalId), async () => {
      const nowMs = this.#clock.nowMs()
      let record = await this.#catalog.getTransaction(clusterId, transactionalId)
      if (record === undefined) {
        const { producerId } = await this.#catalog.allocateProducerId(clusterId, nowMs)
        record = {
          clusterId,
          transactionalId,
          producerId,
          producerEpoch: 0,
          lastProducerEpoch: -1,
          timeoutMs,
          state: 'Empty',
          startedAtMs: -1,
          updatedAtMs: nowMs,
          partitions: [],
          groupIds: [],
          pendingOffsets: []
        }
        await this.#catalog.saveTransaction(record)
        this.#logger.info({ transactionalId, producerId }, 'transactional id registered')
        return { errorCode: 0, producerId, producerEpoch: 0 }
      }
      if (expected !== undefined) {
        const isCurrent = expected.producerId === record.producerId && expected.producerEpoch === record.producerEpoch
        const isRetry = expected.producerId === record.producerId && expected.producerEpoch === record.lastProducerEpoch
        if (isRetry && record.state !== 'Ongoing' && !isPrepared(record)) {
          return { errorCode: 0, producerId: record.producerId, producerEpoch: record.producerEpoch }
        }
        if (!isCurrent) return { errorCode: ErrorCode.PRODUCER_FENCED }
      }
      if (isPrepared(record)) record = await this.#finish(record)
      if (isPrepared(record)) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }
      record.timeoutMs = timeoutMs
      if (record.state === 'Ongoing') {
        // Fence the producer that opened it: abort with the epoch raised, and hand that epoch out.
        record = await this.#end(record, false, true)
      } else {
        record = await this.#bumped(record, nowMs)
      }
      if (isPrepared(record)) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }
      await this.#catalog.saveTransaction(record)
      this.#logger.info({ transactionalId, producerId: record.producerId, producerEpoch: record.producerEpoch }, 'transactional producer initialised')
      return { errorCode: 0, producerId: record.producerId, producerEpoch: record.producerEpoch }
    })
  }

  /** AddPartitionsToTxn: an error code for every partition (the same for all, as Kafka answers). */
  async addPartitions (producer: ProducerIdentity, partitions: readonly GroupPartition[]): Promise<number> {
    return await this.#update(producer, record => {
      for (const partition of partitions) {
        if (!record.partitions.some(entry => entry.topicId === partition.topicId && entry.partition === partition.partition)) {
          record.partitions.push({ ...partition })
        }
      }
      return 0
    })
  }

  /** AddOffsetsToTxn: the group's offsets may now be committed in the transaction. */
  async addOffsets (producer: ProducerIdentity, groupId: string): Promise<number> {
    return await this.#update(producer, record => {
      if (!record.groupIds.includes(groupId)) record.groupIds.push(groupId)
      return 0
    })
  }

  /**
   * TxnOffsetCommit: the offsets wait in the transaction until it commits. The group must have been
   * added with AddOffsetsToTxn; `validateGroup` applies the group's own member checks.
   */
  async commitOffsets (producer: ProducerIdentity, groupId: string, offsets: readonly CommittedOffset[],
    validateGroup: () => Promise<number>): Promise<number> {
    return await this.#queues.run(txnKey(producer.clusterId, producer.transactionalId), async () => {
      const found = await this.#current(producer)
      if (typeof found === 'number') return found
      if (found.state !== 'Ongoing' || !found.groupIds.includes(groupId)) {
        this.#logger.info({ transactionalId: producer.transactionalId, groupId, state: found.state }, 'TxnOffsetCommit for a group not in the ongoing transaction')
        return ErrorCode.INVALID_TXN_STATE
      }
      const groupError = await validateGroup()
      if (groupError !== 0) return groupError
      const pending = found.pendingOffsets.filter(entry =>
        entry.groupId !== groupId || !offsets.some(offset => offset.topicId === entry.topicId && offset.partition === entry.partition))
      pending.push(...offsets.map((offset): PendingTxnOffset => ({ ...offset, groupId })))
      found.pendingOffsets = pending
      found.updatedAtMs = this.#clock.nowMs()
      await this.#catalog.saveTransaction(found)
      return 0
    })
  }

  /** EndTxn: commits or aborts the ongoing transaction; a retry of the same decision is answered again. */
  async endTransaction (producer: ProducerIdentity, commit: boolean): Promise<number> {
    return await this.#queues.run(txnKey(producer.clusterId, producer.transactionalId), async () => {
      const found = await this.#current(producer)
      if (typeof found === 'number') return found
      const wanted = commit ? 'CompleteCommit' : 'CompleteAbort'
      if (found.state === wanted) return 0
      if (found.state !== 'Ongoing') {
        this.#logger.info({ transactionalId: producer.transactionalId, state: found.state, commit }, 'EndTxn without an ongoing transaction')
        return ErrorCode.INVALID_TXN_STATE
      }
      await this.#end(found, commit, false)
      return 0
    })
  }

  /** The partitions of `groupId` with offsets waiting in an ongoing transaction (OffsetFetch's require_stable). */
  async pendingOffsetPartitions (clusterId: string, groupId: string): Promise<GroupPartition[]> {
    const records = await this.#catalog.listTransactions(clusterId)
    return records.flatMap(record => record.state === 'Ongoing' || isPrepared(record)
      ? record.pendingOffsets.filter(offset => offset.groupId === groupId).map(({ topicId, partition }) => ({ topicId, partition }))
      : [])
  }

  /** Aborts transactions past their timeout and finishes decided ones whose markers are missing. */
  async checkTransactions (): Promise<void> {
    if (this.#isChecking) return
    this.#isChecking = true
    try {
      for (const cluster of await this.#catalog.listClusters()) {
        for (const record of await this.#catalog.listTransactions(cluster.clusterId)) {
          const isExpired = record.state === 'Ongoing' && record.startedAtMs + record.timeoutMs <= this.#clock.nowMs()
          if (!isExpired && !isPrepared(record)) continue
          await this.#queues.run(txnKey(record.clusterId, record.transactionalId), async () => {
            const current = await this.#catalog.getTransaction(record.clusterId, record.transactionalId)
            if (current === undefined) return
            if (isPrepared(current)) {
              await this.#finish(current)
            } else if (current.state === 'Ongoing' && current.startedAtMs + current.timeoutMs <= this.#clock.nowMs()) {
              this.#logger.info({ transactionalId: current.transactionalId, producerId: current.producerId, timeoutMs: current.timeoutMs },
                'transaction timed out: aborting it and fencing its producer')
              await this.#end(current, false, true)
            }
          })
        }
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'checking transactions failed; retrying at the next check')
    } finally {
      this.#isChecking = false
    }
  }

  /** Runs a change of the producer's transaction that makes it (or keeps it) Ongoing. */
  async #update (producer: ProducerIdentity, change: (record: TransactionRecord) => number): Promise<number> {
    return await this.#queues.run(txnKey(producer.clusterId, producer.transactionalId), async () => {
      const found = await this.#current(producer)
      if (typeof found === 'number') return found
      const nowMs = this.#clock.nowMs()
      if (found.state !== 'Ongoing') {
        found.state = 'Ongoing'
        found.startedAtMs = nowMs
        found.partitions = []
        found.groupIds = []
        found.pendingOffsets = []
      }
      const errorCode = change(found)
      if (errorCode !== 0) return errorCode
      found.updatedAtMs = nowMs
      await this.#catalog.saveTransaction(found)
      return 0
    })
  }

  /** The stored transaction if the producer holds it at its current epoch, else Kafka's error for the mismatch. */
  async #current (producer: ProducerIdentity): Promise<TransactionRecord | number> {
    const record = await this.#catalog.getTransaction(producer.clusterId, producer.transactionalId)
    if (record === undefined || record.producerId !== producer.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (record.producerEpoch !== producer.producerEpoch) return ErrorCode.PRODUCER_FENCED
    if (isPrepared(record)) return ErrorCode.CONCURRENT_TRANSACTIONS
    return record
  }

  /** The record with its epoch raised by one, or at the epoch limit a new producer id at epoch 0 (as Kafka does). */
  async #bumped (record: TransactionRecord, nowMs: number): Promise<TransactionRecord> {
    if (record.producerEpoch >= MAX_PRODUCER_EPOCH - 1) {
      const { producerId } = await this.#catalog.allocateProducerId(record.clusterId, nowMs)
      return { ...record, producerId, producerEpoch: 0, lastProducerEpoch: -1, updatedAtMs: nowMs }
    }
    return { ...record, lastProducerEpoch: record.producerEpoch, producerEpoch: record.producerEpoch + 1, updatedAtMs: nowMs }
  }

  /**
   * Decides the ongoing transaction (saving the decision) and finishes it. With `fence` the
   * markers go out at the epoch raised by one; at the epoch limit they go out at the last epoch and
   * the transactional id then moves to a new producer id.
   */
  async #end (record: TransactionRecord, commit: boolean, fence: boolean): Promise<TransactionRecord> {
    const nowMs = this.#clock.nowMs()
    const isExhausted = record.producerEpoch >= MAX_PRODUCER_EPOCH - 1
    let decided: TransactionRecord = { ...record, state: commit ? 'PrepareCommit' : 'PrepareAbort', updatedAtMs: nowMs }
    if (fence && !isExhausted) decided = await this.#bumped(decided, nowMs)
    await this.#catalog.saveTransaction(decided)
    const finished = await this.#finish(decided)
    if (!fence || !isExhausted || isPrepared(finished)) return finished
    const renewed = await this.#bumped(finished, nowMs)
    await this.#catalog.saveTransaction(renewed)
    return renewed
  }

  /** Writes the decided transaction's markers and completes it; on a failed marker it stays decided for a later try. */
  async #finish (record: TransactionRecord): Promise<TransactionRecord> {
    const commit = record.state === 'PrepareCommit'
    const timestamp = this.#clock.nowMs()
    const results = await Promise.allSettled(record.partitions.map(({ topicId, partition }) =>
      this.#markers.appendMarker(
        { clusterId: record.clusterId, topicId, partition },
        { producerId: record.producerId, producerEpoch: record.producerEpoch, commit, timestamp }
      )))
    const failed = results.filter(result => result.status === 'rejected' ||
      (result.value.errorCode !== 0 && result.value.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
    if (failed.length > 0) {
      const reasons = failed.map(result => result.status === 'rejected' ? String(result.reason) : ('message' in result.value ? result.value.message : ''))
      this.#logger.error({ transactionalId: record.transactionalId, reasons }, 'transaction markers failed; the decision is kept and retried')
      return record
    }
    const completed: TransactionRecord = {
      ...record,
      state: commit ? 'CompleteCommit' : 'CompleteAbort',
      startedAtMs: -1,
      updatedAtMs: this.#clock.nowMs(),
      partitions: [],
      groupIds: [],
      pendingOffsets: []
    }
    await this.#catalog.completeTransaction(completed, commit ? record.pendingOffsets : [])
    this.#logger.debug({ transactionalId: record.transactionalId, commit, partitions: record.partitions.length }, 'transaction completed')
    return completed
  }
}
