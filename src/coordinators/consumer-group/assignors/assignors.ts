// The server-side assignors this node offers, by the names clients pick them with
// (group.remote.assignor); Kafka 4's group.consumer.assignors default: uniform first, then range.
import type { PartitionAssignor } from './assignor.ts'
import { rangeAssignor } from './range-assignor.ts'
import { uniformAssignor } from './uniform-assignor.ts'

export const ASSIGNORS: ReadonlyMap<string, PartitionAssignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor]
])

/** Used when no member names an assignor. */
export const DEFAULT_ASSIGNOR = 'uniform'
