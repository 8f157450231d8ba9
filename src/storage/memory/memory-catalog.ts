// In-process Catalog kept in maps, for unit tests of the log engine and the broker.
// Same behavior as the SQLite and PostgreSQL catalogs (one contract suite), nothing persisted.

import { KafkaError, ServiceError } from '../../common/errors.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type {
  AbortedTransaction,
  AppendResult,
  BatchAppend,
  BatchCoordinate,
  Catalog,
  ClusterRecord,
  ClusterState,
  CommittedOffset,
  CreateGroupResult,
  ExpireOptions,
  GroupPartition,
  GroupRecord,
  NodeRecord,
  PartitionOffsets,
  ProducerEpochBump,
  ProducerIdRecord,
  PendingTxnOffset,
  ProducerPartitionState,
  TopicRecord,
  TransactionRecord
} from '../catalog.ts'
import { answerWithoutStoring, recordAppend } from '../producer-sequences.ts'
import { MemoryGroupStore } from './memory-group-store.ts'
import { MemoryProducerStore, dropProducersBelow, listProducers, type ProducerStates } from './memory-producer-store.ts'
import { MemoryTransactionStore, dropAbortedBelow } from './memory-transaction-store.ts'
import { MemoryIdentityCatalog } from './memory-identity-catalog.ts'

interface PartitionState {
  logStartOffset: number
  highWatermark: number
  sizeBytes: number
  /** Live coordinates, ascending and non-overlapping. */
  rows: BatchCoordinate[]
  producers: ProducerStates
  /** Aborted transactions by marker offset. */
  aborted: AbortedTransaction[]
}

interface TopicState {
  record: TopicRecord
  partitions: PartitionState[]
}

function newPartition (): PartitionState {
  return { logStartOffset: 0, highWatermark: 0, sizeBytes: 0, rows: [], producers: new Map(), aborted: [] }
}

function copyCluster (cluster: ClusterRecord): ClusterRecord {
  const copy = { ...cluster }
  if (cluster.serverless !== undefined) copy.serverless = structuredClone(cluster.serverless)
  return copy
}

function copyTopic (topic: TopicRecord): TopicRecord {
  return { ...topic, configs: { ...topic.configs } }
}

/** Index of the first row with lastOffset >= offset (rows.length when none). */
function firstRowEndingAtOrAfter (rows: readonly BatchCoordinate[], offset: number): number {
  let low = 0
  let high = rows.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (rows[middle]!.lastOffset < offset) low = middle + 1
    else high = middle
  }
  return low
}

export class MemoryCatalog extends MemoryIdentityCatalog implements Catalog {
  #clusters = new Map<string, ClusterRecord>()
  /** clusterId -> tag key -> value; present for every stored cluster. */
  #clusterTags = new Map<string, Map<string, string>>()
  /** clusterId -> topic name -> topic. */
  #topicsByName = new Map<string, Map<string, TopicState>>()
  #topicsById = new Map<string, TopicState>()
  #nodes = new Map<number, NodeRecord>()
  readonly #groups = new MemoryGroupStore((clusterId, topicId, partition) => {
    const topic = this.#topicsById.get(topicId)
    return topic?.record.clusterId === clusterId && partition >= 0 && partition < topic.partitions.length
  })

  readonly #producers = new MemoryProducerStore()
  readonly #transactions = new MemoryTransactionStore()
  #isClosed = false

  override async close (): Promise<void> {
    this.#isClosed = true
    await super.close()
  }

  async createCluster (cluster: ClusterRecord, tags: Readonly<Record<string, string>> = {}): Promise<void> {
    this.#checkOpen()
    if (this.#clusters.has(cluster.clusterId)) {
      throw new ServiceError('STORAGE_CONFLICT', `cluster ${cluster.clusterId} already exists`)
    }
    for (const other of this.#clusters.values()) {
      if (cluster.accountId !== undefined && other.accountId === cluster.accountId && other.name === cluster.name) {
        throw new ServiceError('CLUSTER_NAME_TAKEN', `account ${cluster.accountId} already has a cluster named ${cluster.name}`)
      }
      if (cluster.bootstrapPort !== undefined && other.bootstrapPort === cluster.bootstrapPort) {
        throw new ServiceError('CLUSTER_PORT_TAKEN', `port ${cluster.bootstrapPort} already serves another cluster`)
      }
    }
    this.#clusters.set(cluster.clusterId, copyCluster(cluster))
    this.#clusterTags.set(cluster.clusterId, new Map(Object.entries(tags)))
  }

  async getCluster (clusterId: string): Promise<ClusterRecord | undefined> {
    this.#checkOpen()
    const cluster = this.#clusters.get(clusterId)
    return cluster === undefined ? undefined : copyCluster(cluster)
  }

  async listClusters (): Promise<ClusterRecord[]> {
    this.#checkOpen()
    return [...this.#clusters.values()]
      .map(copyCluster)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.clusterId < b.clusterId ? -1 : 1))
  }

  async setClusterState (clusterId: string, state: ClusterState, stateMessage?: string): Promise<ClusterRecord | undefined> {
    this.#checkOpen()
    const cluster = this.#clusters.get(clusterId)
    if (cluster === undefined) return undefined
    cluster.state = state
    if (stateMessage === undefined) delete cluster.stateMessage
    else cluster.stateMessage = stateMessage
    return copyCluster(cluster)
  }

  async deleteCluster (clusterId: string): Promise<boolean> {
    this.#checkOpen()
    for (const name of [...(this.#topicsByName.get(clusterId)?.keys() ?? [])]) await this.deleteTopic(clusterId, name)
    this.#topicsByName.delete(clusterId)
    this.#groups.forgetCluster(clusterId)
    this.#producers.forgetCluster(clusterId)
    this.#transactions.forgetCluster(clusterId)
    this.#clusterTags.delete(clusterId)
    return this.#clusters.delete(clusterId)
  }

  async getClusterTags (clusterId: string): Promise<Record<string, string>> {
    this.#checkOpen()
    return Object.fromEntries([...(this.#clusterTags.get(clusterId) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)))
  }

  async tagCluster (clusterId: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    this.#checkOpen()
    const stored = this.#clusterTags.get(clusterId)
    if (stored === undefined || !this.#clusters.has(clusterId)) return false
    for (const [key, value] of Object.entries(tags)) stored.set(key, value)
    return true
  }

  async untagCluster (clusterId: string, tagKeys: readonly string[]): Promise<boolean> {
    this.#checkOpen()
    const stored = this.#clusterTags.get(clusterId)
    if (stored === undefined || !this.#clusters.has(clusterId)) return false
    for (const key of tagKeys) stored.delete(key)
    return true
  }

  async createTopic (topic: TopicRecord): Promise<void> {
    this.#checkOpen()
    let byName = this.#topicsByName.get(topic.clusterId)
    if (byName?.has(topic.name) === true) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`)
    }
    if (this.#topicsById.has(topic.topicId)) {
      throw new ServiceError('STORAGE_CONFLICT', `topic id ${topic.topicId} is already in use`)
    }
    if (byName === undefined) {
      byName = new Map()
      this.#topicsByName.set(topic.clusterId, byName)
    }
    const state: TopicState = {
      record: copyTopic(topic),
      partitions: Array.from({ length: topic.partitionCount }, newPartition)
    }
    byName.set(topic.name, state)
    this.#topicsById.set(topic.topicId, state)
  }

  async getTopic (clusterId: string, name: string): Promise<TopicRecord | undefined> {
    this.#checkOpen()
    const state = this.#topicsByName.get(clusterId)?.get(name)
    return state === undefined ? undefined : copyTopic(state.record)
  }

  async getTopicById (clusterId: string, topicId: string): Promise<TopicRecord | undefined> {
    this.#checkOpen()
    const state = this.#topicsById.get(topicId)
    return state === undefined || state.record.clusterId !== clusterId ? undefined : copyTopic(state.record)
  }

  async listTopics (clusterId: string): Promise<TopicRecord[]> {
    this.#checkOpen()
    const byName = this.#topicsByName.get(clusterId)
    if (byName === undefined) return []
    return [...byName.values()].map(state => copyTopic(state.record)).sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  async deleteTopic (clusterId: string, name: string): Promise<TopicRecord | undefined> {
    this.#checkOpen()
    const byName = this.#topicsByName.get(clusterId)
    const state = byName?.get(name)
    if (byName === undefined || state === undefined) return undefined
    byName.delete(name)
    this.#topicsById.delete(state.record.topicId)
    this.#groups.forgetTopic(clusterId, state.record.topicId)
    this.#transactions.forgetTopic(state.record.topicId)
    return copyTopic(state.record)
  }

  async setPartitionCount (clusterId: string, name: string, partitionCount: number): Promise<void> {
    const state = this.#requireTopic(clusterId, name)
    const current = state.record.partitionCount
    if (partitionCount <= current) {
      throw new KafkaError(
        ErrorCode.INVALID_PARTITIONS,
        `Topic currently has ${current} partitions, which is higher than or equal to the requested ${partitionCount}.`
      )
    }
    for (let partition = current; partition < partitionCount; partition++) state.partitions.push(newPartition())
    state.record.partitionCount = partitionCount
  }

  async setTopicConfigs (clusterId: string, name: string, configs: Record<string, string>): Promise<void> {
    this.#requireTopic(clusterId, name).record.configs = { ...configs }
  }

  async getPartitionOffsets (topicId: string, partition: number): Promise<PartitionOffsets | undefined> {
    this.#checkOpen()
    const state = this.#topicsById.get(topicId)?.partitions[partition]
    return state === undefined ? undefined : { logStartOffset: state.logStartOffset, highWatermark: state.highWatermark }
  }

  async commitAppends (objectKey: string, appends: readonly BatchAppend[]): Promise<AppendResult[]> {
    this.#checkOpen()
    const results: AppendResult[] = []
    // The row each partition last got in this commit: the next adjacent batch extends it.
    const openRows = new Map<PartitionState, BatchCoordinate>()
    for (const append of appends) {
      const topic = this.#topicsById.get(append.topicId)
      const state = topic?.record.clusterId === append.clusterId ? topic.partitions[append.partition] : undefined
      if (state === undefined) {
        results.push({
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          message: `Unknown partition ${append.partition} of topic id ${append.topicId}`
        })
        continue
      }
      const producer = append.producerId >= 0 ? state.producers.get(append.producerId) : undefined
      const answer = answerWithoutStoring(producer, append, state.logStartOffset, () =>
        this.#transactions.isInOpenTransaction(append.producerId, append.producerEpoch, append.topicId, append.partition))
      if (answer !== undefined) {
        results.push(answer)
        continue
      }
      const baseOffset = state.highWatermark
      const lastOffset = baseOffset + append.offsetCount - 1
      if (append.producerId >= 0) {
        const recorded = recordAppend(producer, append, baseOffset, lastOffset)
        state.producers.set(append.producerId, recorded.state)
        if (recorded.aborted !== undefined) state.aborted.push(recorded.aborted)
      }
      state.highWatermark = lastOffset + 1
      state.sizeBytes += append.size
      const open = openRows.get(state)
      if (open !== undefined && open.position + open.size === append.position) {
        open.lastOffset = lastOffset
        open.size += append.size
        open.maxTimestamp = Math.max(open.maxTimestamp, append.maxTimestamp)
      } else {
        const row: BatchCoordinate = {
          baseOffset,
          lastOffset,
          objectKey,
          position: append.position,
          size: append.size,
          maxTimestamp: append.maxTimestamp
        }
        state.rows.push(row)
        openRows.set(state, row)
      }
      results.push({ errorCode: 0, baseOffset, logStartOffset: state.logStartOffset })
    }
    return results
  }

  async findBatches (topicId: string, partition: number, fromOffset: number, maxBytes: number): Promise<BatchCoordinate[]> {
    const rows = this.#partition(topicId, partition)?.rows ?? []
    const found: BatchCoordinate[] = []
    let totalBytes = 0
    for (let index = firstRowEndingAtOrAfter(rows, fromOffset); index < rows.length; index++) {
      const row = rows[index]!
      if (found.length > 0 && totalBytes + row.size > maxBytes) break
      found.push({ ...row })
      totalBytes += row.size
    }
    return found
  }

  async findBatchByTimestamp (topicId: string, partition: number, timestamp: number): Promise<BatchCoordinate | undefined> {
    const row = this.#partition(topicId, partition)?.rows.find(row => row.maxTimestamp >= timestamp)
    return row === undefined ? undefined : { ...row }
  }

  async findMaxTimestampBatch (topicId: string, partition: number): Promise<BatchCoordinate | undefined> {
    let best: BatchCoordinate | undefined
    for (const row of this.#partition(topicId, partition)?.rows ?? []) {
      if (best === undefined || row.maxTimestamp > best.maxTimestamp) best = row
    }
    return best === undefined ? undefined : { ...best }
  }

  async advanceLogStartOffset (topicId: string, partition: number, offset: number): Promise<number> {
    const state = this.#requirePartition(topicId, partition)
    if (offset > state.highWatermark) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Offset ${offset} is above the high watermark ${state.highWatermark}`
      )
    }
    if (offset <= state.logStartOffset) return state.logStartOffset
    state.logStartOffset = offset
    this.#dropLeadingRows(state, firstRowEndingAtOrAfter(state.rows, offset))
    dropProducersBelow(state.producers, offset)
    dropAbortedBelow(state.aborted, offset)
    return offset
  }

  async expireBatches (topicId: string, partition: number, options: ExpireOptions): Promise<number> {
    const state = this.#requirePartition(topicId, partition)
    const { rows } = state
    let dropCount = 0
    let remainingBytes = state.sizeBytes
    const { maxTimestampBefore, retainBytes } = options
    while (dropCount < rows.length) {
      const row = rows[dropCount]!
      const isTooOld = maxTimestampBefore !== undefined && row.maxTimestamp < maxTimestampBefore
      const isOverSize = retainBytes !== undefined && retainBytes >= 0 && remainingBytes - row.size >= retainBytes
      if (!isTooOld && !isOverSize) break
      remainingBytes -= row.size
      dropCount++
    }
    if (dropCount > 0) {
      this.#dropLeadingRows(state, dropCount)
      const nextStart = state.rows[0]?.baseOffset ?? state.highWatermark
      state.logStartOffset = Math.max(state.logStartOffset, nextStart)
      dropProducersBelow(state.producers, state.logStartOffset)
      dropAbortedBelow(state.aborted, state.logStartOffset)
    }
    return state.logStartOffset
  }

  async partitionSizeBytes (topicId: string, partition: number): Promise<number> {
    return this.#partition(topicId, partition)?.sizeBytes ?? 0
  }

  async listReferencedObjectKeys (): Promise<Set<string>> {
    this.#checkOpen()
    const keys = new Set<string>()
    for (const topic of this.#topicsById.values()) {
      for (const state of topic.partitions) {
        for (const row of state.rows) keys.add(row.objectKey)
      }
    }
    return keys
  }

  async allocateProducerId (clusterId: string, nowMs: number): Promise<ProducerIdRecord> {
    this.#checkOpen()
    return this.#producers.allocate(clusterId, nowMs)
  }

  async bumpProducerEpoch (clusterId: string, producerId: number, expectedEpoch: number, nowMs: number): Promise<ProducerEpochBump> {
    this.#checkOpen()
    return this.#producers.bump(clusterId, producerId, expectedEpoch, nowMs)
  }

  async getProducerId (clusterId: string, producerId: number): Promise<ProducerIdRecord | undefined> {
    this.#checkOpen()
    return this.#producers.get(clusterId, producerId)
  }

  async listPartitionProducers (topicId: string, partition: number): Promise<ProducerPartitionState[]> {
    return listProducers(this.#partition(topicId, partition)?.producers)
  }

  async expireProducers (idleBeforeMs: number): Promise<number> {
    this.#checkOpen()
    let count = this.#producers.expire(idleBeforeMs)
    for (const topic of this.#topicsById.values()) {
      for (const { producers } of topic.partitions) {
        for (const [producerId, state] of producers) {
          if (state.lastTimestamp >= idleBeforeMs) continue
          producers.delete(producerId)
          count++
        }
      }
    }
    return count
  }

  async registerNode (node: NodeRecord): Promise<number> {
    this.#checkOpen()
    let nodeId = node.nodeId
    if (nodeId === -1) nodeId = Math.max(0, ...this.#nodes.keys()) + 1
    this.#nodes.set(nodeId, { ...node, nodeId })
    return nodeId
  }

  async listLiveNodes (nowMs: number): Promise<NodeRecord[]> {
    this.#checkOpen()
    return [...this.#nodes.values()]
      .filter(node => node.leaseExpiresAtMs > nowMs)
      .map(node => ({ ...node }))
      .sort((a, b) => a.nodeId - b.nodeId)
  }

  async createGroup (group: GroupRecord, maxGroupsPerCluster: number): Promise<CreateGroupResult> {
    this.#checkOpen()
    return this.#groups.createGroup(group, maxGroupsPerCluster)
  }

  async getGroup (clusterId: string, groupId: string): Promise<GroupRecord | undefined> {
    this.#checkOpen()
    return this.#groups.getGroup(clusterId, groupId)
  }

  async listGroups (clusterId: string): Promise<GroupRecord[]> {
    this.#checkOpen()
    return this.#groups.listGroups(clusterId)
  }

  async updateGroup (clusterId: string, groupId: string, changes: Pick<GroupRecord, 'protocolType' | 'state' | 'generationId'>): Promise<boolean> {
    this.#checkOpen()
    return this.#groups.updateGroup(clusterId, groupId, changes)
  }

  async deleteGroup (clusterId: string, groupId: string): Promise<boolean> {
    this.#checkOpen()
    return this.#groups.deleteGroup(clusterId, groupId)
  }

  async commitOffsets (clusterId: string, groupId: string, offsets: readonly CommittedOffset[]): Promise<number[]> {
    this.#checkOpen()
    return this.#groups.commitOffsets(clusterId, groupId, offsets)
  }

  async fetchOffsets (clusterId: string, groupId: string, partitions?: readonly GroupPartition[]): Promise<CommittedOffset[]> {
    this.#checkOpen()
    return this.#groups.fetchOffsets(clusterId, groupId, partitions)
  }

  async deleteOffsets (clusterId: string, groupId: string, partitions: readonly GroupPartition[]): Promise<number> {
    this.#checkOpen()
    return this.#groups.deleteOffsets(clusterId, groupId, partitions)
  }

  async listAbortedTransactions (topicId: string, partition: number, fromOffset: number): Promise<AbortedTransaction[]> {
    return (this.#partition(topicId, partition)?.aborted ?? []).filter(entry => entry.lastOffset >= fromOffset).map(entry => ({ ...entry }))
  }

  async getTransaction (clusterId: string, transactionalId: string): Promise<TransactionRecord | undefined> {
    this.#checkOpen()
    return this.#transactions.get(clusterId, transactionalId)
  }

  async listTransactions (clusterId: string): Promise<TransactionRecord[]> {
    this.#checkOpen()
    return this.#transactions.list(clusterId)
  }

  async saveTransaction (record: TransactionRecord): Promise<void> {
    this.#checkOpen()
    this.#transactions.save(record)
  }

  async completeTransaction (record: TransactionRecord, offsets: readonly PendingTxnOffset[]): Promise<void> {
    this.#checkOpen()
    for (const { groupId, ...offset } of offsets) this.#groups.commitOffsets(record.clusterId, groupId, [offset])
    this.#transactions.save(record)
  }

  #dropLeadingRows (state: PartitionState, count: number): void {
    for (const row of state.rows.splice(0, count)) state.sizeBytes -= row.size
  }

  #partition (topicId: string, partition: number): PartitionState | undefined {
    this.#checkOpen()
    return this.#topicsById.get(topicId)?.partitions[partition]
  }

  #requirePartition (topicId: string, partition: number): PartitionState {
    const state = this.#partition(topicId, partition)
    if (state === undefined) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${partition} of topic id ${topicId}`)
    }
    return state
  }

  #requireTopic (clusterId: string, name: string): TopicState {
    this.#checkOpen()
    const state = this.#topicsByName.get(clusterId)?.get(name)
    if (state === undefined) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown topic '${name}'`)
    }
    return state
  }

  #checkOpen (): void {
    if (this.#isClosed) throw new ServiceError('STORAGE_CLOSED', 'the catalog is closed')
  }
}
