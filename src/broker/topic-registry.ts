// In-memory view of each cluster's topics, loaded from the Catalog and updated by the admin
// handlers, so the produce path can resolve a topic synchronously (keeping request order).
import { randomUUID } from 'node:crypto'
import type { Catalog, TopicRecord } from '../storage/catalog.ts'

interface ClusterTopics {
  byName: Map<string, TopicRecord>
  byId: Map<string, TopicRecord>
}

export class TopicRegistry {
  readonly #catalog: Catalog
  readonly #clusters = new Map<string, ClusterTopics>()
  readonly #changeQueues = new Map<string, Promise<unknown>>()

  constructor (catalog: Catalog) {
    this.#catalog = catalog
  }

  /**
   * Runs `change` after every change queued before it for the same cluster has finished, so a
   * check (such as the partition limit) and the change it allows never interleave with another
   * request's. Serializes within this node; across nodes the Catalog is the arbiter.
   */
  async withChangeLock<T> (clusterId: string, change: () => Promise<T>): Promise<T> {
    const previous = this.#changeQueues.get(clusterId) ?? Promise.resolve()
    const result = previous.then(change, change)
    const settled = result.then(() => undefined, () => undefined)
    this.#changeQueues.set(clusterId, settled)
    try {
      return await result
    } finally {
      if (this.#changeQueues.get(clusterId) === settled) this.#changeQueues.delete(clusterId)
    }
  }

  async load (clusterId: string): Promise<void> {
    const topics = await this.#catalog.listTopics(clusterId)
    const cluster: ClusterTopics = { byName: new Map(), byId: new Map() }
    for (const topic of topics) {
      cluster.byName.set(topic.name, topic)
      cluster.byId.set(topic.topicId, topic)
    }
    this.#clusters.set(clusterId, cluster)
  }

  /** Drops a deleted cluster's topics from memory (the Catalog removes them for good). */
  forget (clusterId: string): void {
    this.#clusters.delete(clusterId)
  }

  isLoaded (clusterId: string): boolean {
    return this.#clusters.has(clusterId)
  }

  get (clusterId: string, name: string): TopicRecord | undefined {
    return this.#clusters.get(clusterId)?.byName.get(name)
  }

  getById (clusterId: string, topicId: string): TopicRecord | undefined {
    return this.#clusters.get(clusterId)?.byId.get(topicId)
  }

  list (clusterId: string): TopicRecord[] {
    return [...(this.#clusters.get(clusterId)?.byName.values() ?? [])]
  }

  partitionCount (clusterId: string): number {
    let count = 0
    for (const topic of this.#clusters.get(clusterId)?.byName.values() ?? []) count += topic.partitionCount
    return count
  }

  async create (clusterId: string, name: string, partitionCount: number, configs: Record<string, string>, nowMs: number): Promise<TopicRecord> {
    const topic: TopicRecord = { clusterId, topicId: randomUUID(), name, partitionCount, configs, createdAtMs: nowMs }
    await this.#catalog.createTopic(topic)
    this.#put(topic)
    return topic
  }

  async delete (clusterId: string, name: string): Promise<TopicRecord | undefined> {
    const removed = await this.#catalog.deleteTopic(clusterId, name)
    const cluster = this.#clusters.get(clusterId)
    if (removed !== undefined && cluster !== undefined) {
      cluster.byName.delete(removed.name)
      cluster.byId.delete(removed.topicId)
    }
    return removed
  }

  async setPartitionCount (topic: TopicRecord, partitionCount: number): Promise<void> {
    await this.#catalog.setPartitionCount(topic.clusterId, topic.name, partitionCount)
    this.#put({ ...topic, partitionCount })
  }

  async setConfigs (topic: TopicRecord, configs: Record<string, string>): Promise<void> {
    await this.#catalog.setTopicConfigs(topic.clusterId, topic.name, configs)
    this.#put({ ...topic, configs })
  }

  #put (topic: TopicRecord): void {
    let cluster = this.#clusters.get(topic.clusterId)
    if (cluster === undefined) {
      cluster = { byName: new Map(), byId: new Map() }
      this.#clusters.set(topic.clusterId, cluster)
    }
    cluster.byName.set(topic.name, topic)
    cluster.byId.set(topic.topicId, topic)
  }
}
