// The transaction half of the in-process Catalog: transactional ids with their open transaction,
// with the same behavior as the SQLite tables (one contract suite). Aborted ranges live with the
// partitions in MemoryCatalog.
import type { AbortedTransaction, TransactionRecord } from '../catalog.ts'

function copyRecord (record: TransactionRecord): TransactionRecord {
  return {
    ...record,
    partitions: record.partitions.map(partition => ({ ...partition })),
    groupIds: [...record.groupIds],
    pendingOffsets: record.pendingOffsets.map(offset => ({ ...offset }))
  }
}

function key (clusterId: string, transactionalId: string): string {
  return `${clusterId}\u0000${transactionalId}`
}

export class MemoryTransactionStore {
  readonly #records = new Map<string, TransactionRecord>()

  get (clusterId: string, transactionalId: string): TransactionRecord | undefined {
    const record = this.#records.get(key(clusterId, transactionalId))
    return record === undefined ? undefined : copyRecord(record)
  }

  list (clusterId: string): TransactionRecord[] {
    return [...this.#records.values()]
      .filter(record => record.clusterId === clusterId)
      .sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1))
      .map(copyRecord)
  }

  save (record: TransactionRecord): void {
    const partitions = new Map(record.partitions.map(partition => [`${partition.topicId}:${partition.partition}`, partition]))
    const saved = copyRecord({ ...record, partitions: [...partitions.values()] })
    saved.partitions.sort((a, b) => (a.topicId !== b.topicId ? (a.topicId < b.topicId ? -1 : 1) : a.partition - b.partition))
    this.#records.set(key(record.clusterId, record.transactionalId), saved)
  }

  isInOpenTransaction (producerId: number, producerEpoch: number, topicId: string, partition: number): boolean {
    for (const record of this.#records.values()) {
      if (record.producerId !== producerId || record.producerEpoch !== producerEpoch || record.state !== 'Ongoing') continue
      if (record.partitions.some(entry => entry.topicId === topicId && entry.partition === partition)) return true
    }
    return false
  }

  /** Drops every transactional id of a deleted cluster. */
  forgetCluster (clusterId: string): void {
    for (const [recordKey, record] of this.#records) {
      if (record.clusterId === clusterId) this.#records.delete(recordKey)
    }
  }

  /** A deleted topic leaves every transaction. */
  forgetTopic (topicId: string): void {
    for (const record of this.#records.values()) record.partitions = record.partitions.filter(entry => entry.topicId !== topicId)
  }
}

/** Drops aborted ranges whose marker lies below the partition's new log start offset. */
export function dropAbortedBelow (aborted: AbortedTransaction[], logStartOffset: number): void {
  let count = 0
  while (count < aborted.length && aborted[count]!.lastOffset < logStartOffset) count++
  aborted.splice(0, count)
}
