// Background retention: drops each partition's leading coordinates beyond retention.ms or
// retention.bytes, advancing its log start offset, then deletes objects no coordinate refers to,
// and forgets idempotent producers idle for longer than producer.id.expiration.ms.
import type { Catalog } from '../storage/catalog.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import type { Clock } from '../common/clock.ts'
import type { Logger } from '../common/logger.ts'
import type { TopicRegistry } from '../broker/topic-registry.ts'
import { effectiveTopicConfig } from '../broker/topic-configs.ts'
import type { LogEngine } from './log-engine.ts'

export interface RetentionJobOptions {
  catalog: Catalog
  objectStore: ObjectStore
  log: LogEngine
  topics: TopicRegistry
  clock: Clock
  logger: Logger
  /** The clusters whose topics this node trims; a function when clusters come and go. */
  clusterIds: string[] | (() => string[])
  intervalMs?: number
  /**
   * Producer state and producer ids unused this long are forgotten (Kafka's producer.id.expiration.ms,
   * default 1 day): a producer back after that starts afresh, as on Kafka.
   */
  producerIdExpirationMs?: number
}

export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000

export class RetentionJob {
  readonly #options: RetentionJobOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor (options: RetentionJobOptions) {
    this.#options = options
  }

  start (): void {
    this.#timer = setInterval(() => {
      if (this.#running !== undefined) return
      this.#running = this.runOnce()
        .then(() => undefined)
        .catch(error => this.#options.logger.warn({ err: error }, 'retention pass failed'))
        .finally(() => { this.#running = undefined })
    }, this.#options.intervalMs ?? 30_000)
    this.#timer.unref()
  }

  stop (): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
  }

  /** One pass over every partition, then the unreferenced objects and the idle producers. */
  async runOnce (): Promise<{ partitionsTrimmed: number, objectsDeleted: number, producersExpired: number }> {
    const { catalog, objectStore, log, topics, clock } = this.#options
    const nowMs = clock.nowMs()
    let partitionsTrimmed = 0
    const { clusterIds } = this.#options
    for (const clusterId of typeof clusterIds === 'function' ? clusterIds() : clusterIds) {
      for (const topic of topics.list(clusterId)) {
        const retentionMs = Number(effectiveTopicConfig(topic.configs, 'retention.ms'))
        const retentionBytes = Number(effectiveTopicConfig(topic.configs, 'retention.bytes'))
        for (let partition = 0; partition < topic.partitionCount; partition++) {
          const before = await catalog.getPartitionOffsets(topic.topicId, partition)
          const logStartOffset = await catalog.expireBatches(topic.topicId, partition, {
            maxTimestampBefore: retentionMs >= 0 ? nowMs - retentionMs : undefined,
            retainBytes: retentionBytes >= 0 ? retentionBytes : undefined
          })
          if (before !== undefined && logStartOffset > before.logStartOffset) {
            partitionsTrimmed++
            log.setLogStartOffset(topic.topicId, partition, logStartOffset)
          }
        }
      }
    }
    const referenced = await catalog.listReferencedObjectKeys()
    let objectsDeleted = 0
    for (const key of await objectStore.listKeys()) {
      if (referenced.has(key) || log.isObjectInUse(key)) continue
      await objectStore.delete(key)
      objectsDeleted++
    }
    const producersExpired = await catalog.expireProducers(nowMs - (this.#options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS))
    return { partitionsTrimmed, objectsDeleted, producersExpired }
  }
}
