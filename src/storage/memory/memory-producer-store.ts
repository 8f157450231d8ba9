// The producer half of the in-process Catalog: producer ids with their epochs, and the per-partition
// producer state the commit checks sequences against, with the same behavior as the SQLite tables
// (one contract suite). MemoryCatalog owns the partitions; each holds a ProducerStates map.
import type { ProducerEpochBump, ProducerIdRecord, ProducerPartitionState } from '../catalog.ts'
import { decideEpochBump, lastOffsetOfState } from '../producer-sequences.ts'

/** One partition's producers, by producer id. */
export type ProducerStates = Map<number, ProducerPartitionState>

export function copyProducerState (state: ProducerPartitionState): ProducerPartitionState {
  return { ...state, batches: state.batches.map(batch => ({ ...batch })) }
}

/** Drops the producers whose last batch lies wholly below the partition's new log start offset. */
export function dropProducersBelow (producers: ProducerStates, logStartOffset: number): void {
  for (const [producerId, state] of producers) {
    if (lastOffsetOfState(state) < logStartOffset) producers.delete(producerId)
  }
}

export function listProducers (producers: ProducerStates | undefined): ProducerPartitionState[] {
  return [...(producers?.values() ?? [])].map(copyProducerState).sort((a, b) => a.producerId - b.producerId)
}

export class MemoryProducerStore {
  readonly #producerIds = new Map<number, ProducerIdRecord>()
  #nextProducerId = 0

  allocate (clusterId: string, nowMs: number): ProducerIdRecord {
    const record: ProducerIdRecord = {
      clusterId, producerId: this.#nextProducerId++, producerEpoch: 0, lastProducerEpoch: -1, transactionalId: null, updatedAtMs: nowMs
    }
    this.#producerIds.set(record.producerId, record)
    return { ...record }
  }

  bump (clusterId: string, producerId: number, expectedEpoch: number, nowMs: number): ProducerEpochBump {
    const record = this.#producerIds.get(producerId)
    if (record === undefined || record.clusterId !== clusterId) return { outcome: 'unknown' }
    const decision = decideEpochBump(record, expectedEpoch)
    if (decision.outcome === 'bumped') {
      record.lastProducerEpoch = record.producerEpoch
      record.producerEpoch = decision.producerEpoch
      record.updatedAtMs = nowMs
    }
    return decision
  }

  get (clusterId: string, producerId: number): ProducerIdRecord | undefined {
    const record = this.#producerIds.get(producerId)
    return record === undefined || record.clusterId !== clusterId ? undefined : { ...record }
  }

  /** Forgets every producer id of a deleted cluster. */
  forgetCluster (clusterId: string): void {
    for (const [producerId, record] of this.#producerIds) {
      if (record.clusterId === clusterId) this.#producerIds.delete(producerId)
    }
  }

  /** Forgets producer ids untouched since before `idleBeforeMs`; returns how many. */
  expire (idleBeforeMs: number): number {
    let count = 0
    for (const [producerId, record] of this.#producerIds) {
      if (record.updatedAtMs >= idleBeforeMs) continue
      this.#producerIds.delete(producerId)
      count++
    }
    return count
  }
}
