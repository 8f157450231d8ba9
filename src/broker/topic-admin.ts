// What the topic-changing admin handlers share: one change at a time per cluster on this node
// (a check such as the partition limit and the change it allows must not interleave with
// another request's), the cluster partition limit, and the limits topic configs are checked against.
import type { SkiffConfig } from '../config/config.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import type { TopicConfigLimits } from './topic-configs.ts'

const queues = new Map<string, Promise<unknown>>()

/**
 * Runs `change` after every change queued before it for the same cluster has finished.
 * Serializes within this node only; across nodes the Catalog is the arbiter.
 */
export async function withTopicAdminLock<T> (clusterId: string, change: () => Promise<T>): Promise<T> {
  const previous = queues.get(clusterId) ?? Promise.resolve()
  const result = previous.then(change, change)
  const settled = result.then(() => undefined, () => undefined)
  queues.set(clusterId, settled)
  try {
    return await result
  } finally {
    if (queues.get(clusterId) === settled) queues.delete(clusterId)
  }
}

/**
 * Throws KafkaError INVALID_REQUEST (what MSK answers) when adding `adding` partitions to a cluster
 * that has `existing` would exceed its partition limit.
 */
export function checkPartitionLimit (existing: number, adding: number, config: SkiffConfig): void {
  const limit = config.limits.partitionsPerCluster
  if (existing + adding > limit) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST,
      `adding ${adding} partition(s) to the cluster's ${existing} would exceed its limit of ${limit} partitions`)
  }
}

export function topicConfigLimits (config: SkiffConfig): TopicConfigLimits {
  return { maxMessageBytes: config.limits.maxMessageBytes, maxRetentionMs: config.limits.maxRetentionMs }
}
