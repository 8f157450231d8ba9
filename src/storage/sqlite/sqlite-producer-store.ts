// The producer half of the SQLite catalog (schema version 3): producer ids from the deployment's
// sequence with their epochs, and per-partition producer state. SqliteCatalog's commit loads and
// saves the state through this class inside its own transaction; the other writes here are one
// transaction each. Reading the state back on every commit cost more than writing it, so the
// state each commit leaves is kept in memory for the next (see takeKnownStates).
import type { Database } from 'better-sqlite3'
import { ServiceError } from '../../common/errors.ts'
import type { ProducerBatch, ProducerEpochBump, ProducerIdRecord, ProducerPartitionState } from '../catalog.ts'
import { decideEpochBump, lastOffsetOfState } from '../producer-sequences.ts'

interface ProducerStateRow {
  producerId: number
  producerEpoch: number
  batches: string
  lastTimestamp: number
  coordinatorEpoch: number
  currentTxnFirstOffset: number
}

/** How a batch is kept in the `batches` JSON: [baseSequence, lastSequence, baseOffset, lastOffset]. */
type StoredBatch = [number, number, number, number]

/** Producer states of one partition by producer id; undefined: known to have none stored. */
export type KnownProducerStates = Map<number, ProducerPartitionState | undefined>

interface KnownPartition {
  highWatermark: number
  producers: KnownProducerStates
}

function partitionKey (topicId: string, partition: number): string {
  return `${topicId}:${partition}`
}

const PRODUCER_ID_COLUMNS =
  `cluster_id AS clusterId, producer_id AS producerId, producer_epoch AS producerEpoch,
   last_producer_epoch AS lastProducerEpoch, transactional_id AS transactionalId, updated_at_ms AS updatedAtMs`
const STATE_COLUMNS =
  `producer_id AS producerId, producer_epoch AS producerEpoch, batches, last_timestamp AS lastTimestamp,
   coordinator_epoch AS coordinatorEpoch, current_txn_first_offset AS currentTxnFirstOffset`

function prepareProducerStatements (db: Database) {
  return {
    nextProducerId: db.prepare<[], number>(
      "UPDATE sequences SET next_value = next_value + 1 WHERE name = 'producer_id' RETURNING next_value - 1"
    ).pluck(),
    insertProducerId: db.prepare<[number, string, string | null, number, number, number]>(
      `INSERT INTO producer_ids (producer_id, cluster_id, transactional_id, producer_epoch, last_producer_epoch, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`
    ),
    getProducerId: db.prepare<[number, string], ProducerIdRecord>(
      `SELECT ${PRODUCER_ID_COLUMNS} FROM producer_ids WHERE producer_id = ? AND cluster_id = ?`
    ),
    updateProducerEpoch: db.prepare<[number, number, number, number]>(
      'UPDATE producer_ids SET producer_epoch = ?, last_producer_epoch = ?, updated_at_ms = ? WHERE producer_id = ?'
    ),
    deleteProducerIdsBefore: db.prepare<[number]>('DELETE FROM producer_ids WHERE updated_at_ms < ?'),

    getState: db.prepare<[string, number, number], ProducerStateRow>(
      `SELECT ${STATE_COLUMNS} FROM producer_states WHERE topic_id = ? AND partition = ? AND producer_id = ?`
    ),
    listStates: db.prepare<[string, number], ProducerStateRow>(
      `SELECT ${STATE_COLUMNS} FROM producer_states WHERE topic_id = ? AND partition = ? ORDER BY producer_id`
    ),
    upsertState: db.prepare<[string, number, number, string, number, string, number, number, number, number]>(
      `INSERT INTO producer_states (topic_id, partition, producer_id, cluster_id, producer_epoch, batches, last_offset,
         last_timestamp, coordinator_epoch, current_txn_first_offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (topic_id, partition, producer_id) DO UPDATE SET
         producer_epoch = excluded.producer_epoch, batches = excluded.batches, last_offset = excluded.last_offset,
         last_timestamp = excluded.last_timestamp, coordinator_epoch = excluded.coordinator_epoch,
         current_txn_first_offset = excluded.current_txn_first_offset`
    ),
    deleteStatesBelow: db.prepare<[string, number, number]>(
      'DELETE FROM producer_states WHERE topic_id = ? AND partition = ? AND last_offset < ?'
    ),
    deleteStatesOfTopic: db.prepare<[string]>('DELETE FROM producer_states WHERE topic_id = ?'),
    deleteStatesBefore: db.prepare<[number]>('DELETE FROM producer_states WHERE last_timestamp < ?')
  }
}

function toState (row: ProducerStateRow): ProducerPartitionState {
  const batches = (JSON.parse(row.batches) as StoredBatch[]).map(
    ([baseSequence, lastSequence, baseOffset, lastOffset]): ProducerBatch => ({ baseSequence, lastSequence, baseOffset, lastOffset })
  )
  return { ...row, batches }
}

export class SqliteProducerStore {
  readonly #db: Database
  readonly #sql: ReturnType<typeof prepareProducerStatements>
  /** What the last commits of this connection left, by partition. */
  readonly #known = new Map<string, KnownPartition>()

  constructor (db: Database) {
    this.#db = db
    this.#sql = prepareProducerStatements(db)
  }

  allocate (clusterId: string, nowMs: number): ProducerIdRecord {
    return this.#db.transaction(() => {
      const producerId = this.#sql.nextProducerId.get()
      if (producerId === undefined) throw new ServiceError('STORAGE_ERROR', 'the producer_id row of the sequences table is missing')
      this.#sql.insertProducerId.run(producerId, clusterId, null, 0, -1, nowMs)
      return { clusterId, producerId, producerEpoch: 0, lastProducerEpoch: -1, transactionalId: null, updatedAtMs: nowMs }
    }).immediate()
  }

  bump (clusterId: string, producerId: number, expectedEpoch: number, nowMs: number): ProducerEpochBump {
    return this.#db.transaction((): ProducerEpochBump => {
      const record = this.#sql.getProducerId.get(producerId, clusterId)
      if (record === undefined) return { outcome: 'unknown' }
      const decision = decideEpochBump(record, expectedEpoch)
      if (decision.outcome === 'bumped') {
        this.#sql.updateProducerEpoch.run(decision.producerEpoch, record.producerEpoch, nowMs, producerId)
      }
      return decision
    }).immediate()
  }

  get (clusterId: string, producerId: number): ProducerIdRecord | undefined {
    return this.#sql.getProducerId.get(producerId, clusterId)
  }

  /**
   * Inside the commit: the producer states of a partition that this connection's last commit left,
   * if the partition's high watermark is still where that commit left it (every change of a
   * producer's state comes with an append, which moves it, so another process's commits are
   * noticed); otherwise an empty map, and loadState fills it. The entry stays out of the cache until
   * keepKnownStates puts it back after the transaction committed, so a failed commit leaves nothing
   * stale. What this misses: state another process dropped without an append (retention, expiry)
   * is still enforced here and written back by the next commit, which is stricter, never looser.
   */
  takeKnownStates (topicId: string, partition: number, highWatermark: number): KnownProducerStates {
    const key = partitionKey(topicId, partition)
    const known = this.#known.get(key)
    this.#known.delete(key)
    return known !== undefined && known.highWatermark === highWatermark ? known.producers : new Map()
  }

  /** After a commit: what it left of a partition's producers, for the next commit. */
  keepKnownStates (topicId: string, partition: number, highWatermark: number, producers: KnownProducerStates): void {
    if (producers.size > 0) this.#known.set(partitionKey(topicId, partition), { highWatermark, producers })
  }

  /** Inside the caller's transaction: the partition's state of one producer. */
  loadState (topicId: string, partition: number, producerId: number): ProducerPartitionState | undefined {
    const row = this.#sql.getState.get(topicId, partition, producerId)
    return row === undefined ? undefined : toState(row)
  }

  /** Inside the caller's transaction: stores the partition's state of one producer. */
  saveState (topicId: string, partition: number, clusterId: string, state: ProducerPartitionState): void {
    const batches = JSON.stringify(state.batches.map(batch => [batch.baseSequence, batch.lastSequence, batch.baseOffset, batch.lastOffset]))
    this.#sql.upsertState.run(
      topicId, partition, state.producerId, clusterId, state.producerEpoch, batches, lastOffsetOfState(state),
      state.lastTimestamp, state.coordinatorEpoch, state.currentTxnFirstOffset
    )
  }

  listStates (topicId: string, partition: number): ProducerPartitionState[] {
    return this.#sql.listStates.all(topicId, partition).map(toState)
  }

  /** Inside the caller's transaction: drops producers whose last batch lies wholly below `logStartOffset`. */
  dropStatesBelow (topicId: string, partition: number, logStartOffset: number): void {
    this.#known.delete(partitionKey(topicId, partition))
    this.#sql.deleteStatesBelow.run(topicId, partition, logStartOffset)
  }

  /** Inside the caller's transaction: drops every producer state of a deleted topic. */
  forgetTopic (topicId: string): void {
    this.#known.clear()
    this.#sql.deleteStatesOfTopic.run(topicId)
  }

  expire (idleBeforeMs: number): number {
    this.#known.clear()
    return this.#db.transaction(() =>
      this.#sql.deleteStatesBefore.run(idleBeforeMs).changes + this.#sql.deleteProducerIdsBefore.run(idleBeforeMs).changes
    ).immediate()
  }
}
