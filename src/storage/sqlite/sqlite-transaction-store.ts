// The transaction half of the SQLite catalog (schema version 4): transactional ids with their open
// transaction, the partitions the commit checks transactional batches against, and each
// partition's aborted transactions. SqliteCatalog calls the `InCommit`/`Below`/`forget` methods
// inside its own transactions; the others are one transaction each.
import type { Database } from 'better-sqlite3'
import type { AbortedTransaction, GroupPartition, PendingTxnOffset, TransactionRecord, TransactionState } from '../catalog.ts'

interface TransactionRow {
  clusterId: string
  transactionalId: string
  producerId: number
  producerEpoch: number
  lastProducerEpoch: number
  timeoutMs: number
  state: TransactionState
  startedAtMs: number
  updatedAtMs: number
  groupIds: string
  pendingOffsets: string
}

const TRANSACTION_COLUMNS =
  `cluster_id AS clusterId, transactional_id AS transactionalId, producer_id AS producerId, producer_epoch AS producerEpoch,
   last_producer_epoch AS lastProducerEpoch, timeout_ms AS timeoutMs, state, started_at_ms AS startedAtMs,
   updated_at_ms AS updatedAtMs, group_ids AS groupIds, pending_offsets AS pendingOffsets`

function prepareTransactionStatements (db: Database) {
  return {
    getTransaction: db.prepare<[string, string], TransactionRow>(
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE cluster_id = ? AND transactional_id = ?`
    ),
    listTransactions: db.prepare<[string], TransactionRow>(
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE cluster_id = ? ORDER BY transactional_id`
    ),
    listPartitions: db.prepare<[string, string], GroupPartition>(
      `SELECT topic_id AS topicId, partition FROM transaction_partitions
       WHERE cluster_id = ? AND transactional_id = ? ORDER BY topic_id, partition`
    ),
    upsertTransaction: db.prepare<[string, string, number, number, number, number, string, number, number, string, string]>(
      `INSERT INTO transactions (cluster_id, transactional_id, producer_id, producer_epoch, last_producer_epoch, timeout_ms,
         state, started_at_ms, updated_at_ms, group_ids, pending_offsets)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cluster_id, transactional_id) DO UPDATE SET
         producer_id = excluded.producer_id, producer_epoch = excluded.producer_epoch,
         last_producer_epoch = excluded.last_producer_epoch, timeout_ms = excluded.timeout_ms, state = excluded.state,
         started_at_ms = excluded.started_at_ms, updated_at_ms = excluded.updated_at_ms, group_ids = excluded.group_ids,
         pending_offsets = excluded.pending_offsets`
    ),
    deletePartitions: db.prepare<[string, string]>(
      'DELETE FROM transaction_partitions WHERE cluster_id = ? AND transactional_id = ?'
    ),
    insertPartition: db.prepare<[string, string, string, number]>(
      'INSERT OR IGNORE INTO transaction_partitions (cluster_id, transactional_id, topic_id, partition) VALUES (?, ?, ?, ?)'
    ),
    isInOpenTransaction: db.prepare<[number, number, string, number], number>(
      `SELECT 1 FROM transactions t JOIN transaction_partitions p
         ON p.cluster_id = t.cluster_id AND p.transactional_id = t.transactional_id
       WHERE t.producer_id = ? AND t.producer_epoch = ? AND t.state = 'Ongoing' AND p.topic_id = ? AND p.partition = ?`
    ).pluck(),
    insertAborted: db.prepare<[string, number, number, string, number, number]>(
      `INSERT OR REPLACE INTO aborted_transactions (topic_id, partition, last_offset, cluster_id, producer_id, first_offset)
       VALUES (?, ?, ?, ?, ?, ?)`
    ),
    listAborted: db.prepare<[string, number, number], AbortedTransaction>(
      `SELECT producer_id AS producerId, first_offset AS firstOffset, last_offset AS lastOffset FROM aborted_transactions
       WHERE topic_id = ? AND partition = ? AND last_offset >= ? ORDER BY last_offset`
    ),
    deleteAbortedBelow: db.prepare<[string, number, number]>(
      'DELETE FROM aborted_transactions WHERE topic_id = ? AND partition = ? AND last_offset < ?'
    ),
    deleteAbortedOfTopic: db.prepare<[string]>('DELETE FROM aborted_transactions WHERE topic_id = ?'),
    deletePartitionsOfTopic: db.prepare<[string]>('DELETE FROM transaction_partitions WHERE topic_id = ?')
  }
}

export class SqliteTransactionStore {
  readonly #db: Database
  readonly #sql: ReturnType<typeof prepareTransactionStatements>

  constructor (db: Database) {
    this.#db = db
    this.#sql = prepareTransactionStatements(db)
  }

  get (clusterId: string, transactionalId: string): TransactionRecord | undefined {
    const row = this.#sql.getTransaction.get(clusterId, transactionalId)
    return row === undefined ? undefined : this.#toRecord(row)
  }

  list (clusterId: string): TransactionRecord[] {
    return this.#sql.listTransactions.all(clusterId).map(row => this.#toRecord(row))
  }

  /** Stores the record and its partitions; runs inside the caller's transaction or as its own. */
  save (record: TransactionRecord): void {
    this.#db.transaction(() => {
      this.#sql.upsertTransaction.run(
        record.clusterId, record.transactionalId, record.producerId, record.producerEpoch, record.lastProducerEpoch,
        record.timeoutMs, record.state, record.startedAtMs, record.updatedAtMs, JSON.stringify(record.groupIds),
        JSON.stringify(record.pendingOffsets)
      )
      this.#sql.deletePartitions.run(record.clusterId, record.transactionalId)
      for (const { topicId, partition } of record.partitions) {
        this.#sql.insertPartition.run(record.clusterId, record.transactionalId, topicId, partition)
      }
    }).immediate()
  }

  /** Inside the commit: whether the producer, at this epoch, has an ongoing transaction holding the partition. */
  isInOpenTransactionInCommit (producerId: number, producerEpoch: number, topicId: string, partition: number): boolean {
    return this.#sql.isInOpenTransaction.get(producerId, producerEpoch, topicId, partition) !== undefined
  }

  /** Inside the commit: records an aborted transaction of the partition. */
  recordAbortedInCommit (clusterId: string, topicId: string, partition: number, aborted: AbortedTransaction): void {
    this.#sql.insertAborted.run(topicId, partition, aborted.lastOffset, clusterId, aborted.producerId, aborted.firstOffset)
  }

  listAborted (topicId: string, partition: number, fromOffset: number): AbortedTransaction[] {
    return this.#sql.listAborted.all(topicId, partition, fromOffset)
  }

  /** Inside the caller's transaction: forgets aborted transactions wholly below the new log start offset. */
  dropAbortedBelow (topicId: string, partition: number, logStartOffset: number): void {
    this.#sql.deleteAbortedBelow.run(topicId, partition, logStartOffset)
  }

  /** Inside deleteTopic's transaction: the topic leaves every transaction and its aborted ranges go. */
  forgetTopic (topicId: string): void {
    this.#sql.deleteAbortedOfTopic.run(topicId)
    this.#sql.deletePartitionsOfTopic.run(topicId)
  }

  #toRecord (row: TransactionRow): TransactionRecord {
    return {
      ...row,
      partitions: this.#sql.listPartitions.all(row.clusterId, row.transactionalId),
      groupIds: JSON.parse(row.groupIds) as string[],
      pendingOffsets: JSON.parse(row.pendingOffsets) as PendingTxnOffset[]
    }
  }
}
