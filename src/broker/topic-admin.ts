// What the topic-changing admin handlers share: the cluster partition limit and the limits topic
// configs are checked against. (One change at a time per cluster: TopicRegistry.withChangeLock.)
import type { SkiffConfig } from '../config/config.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import type { TopicConfigLimits } from './topic-configs.ts'

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
