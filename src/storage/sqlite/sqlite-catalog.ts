// The embedded Catalog: one SQLite file (better-sqlite3, WAL, synchronous=FULL) holding the
// schema of migrations/. commitAppends runs one write transaction per flush and reads each
// partition's high watermark and producer state inside it, so several processes may share the
// file safely.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import DatabaseConstructor from 'better-sqlite3'
import type { Database, Transaction } from 'better-sqlite3'
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
import { applyMigrations } from './migrations/index.ts'
import { SqliteClusterStore } from './sqlite-cluster-store.ts'
import { SqliteGroupStore } from './sqlite-group-store.ts'
import { SqliteIdentityCatalog } from './sqlite-identity-catalog.ts'
import { SqliteProducerStore, type KnownProducerStates } from './sqlite-producer-store.ts'
import { SqliteTransactionStore } from './sqlite-transaction-store.ts'
import { prepareStatements } from './sqlite-statements.ts'
import type { PartitionRow, Statements, TopicRow } from './sqlite-statements.ts'

export interface SqliteCatalogOptions {
  /** How long a write waits for another process's lock before failing (busy_timeout). */
  busyTimeoutMs?: number
  /** FULL (default) makes every commit durable on power loss; NORMAL only on process crash. */
  synchronous?: 'FULL' | 'NORMAL'
}

type CommitFunction = (objectKey: string, appends: readonly BatchAppend[]) => { results: AppendResult[], partitions: CommittedPartition[] }

/** A partition a commit touched, with the producer states it leaves (for the next commit). */
interface CommittedPartition {
  topicId: string
  partition: number
  highWatermark: number
  producers: KnownProducerStates
}

interface CommitState extends PartitionRow {
  /** The row this commit last added for the partition: the next adjacent batch extends it. */
  openRow: BatchCoordinate | undefined
  /** Producer state this commit has read or known from the last (undefined: none stored), by producer id. */
  producers: KnownProducerStates
  /** Producers whose state this commit changed, to be saved with the partition. */
  changedProducerIds: Set<number>
}

function toTopicRecord (row: TopicRow): TopicRecord {
  return { ...row, configs: JSON.parse(row.configs) as Record<string, string> }
}

function isConstraintError (error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT')
}

function unknownPartition (topicId: string, partition: number): KafkaError {
  return new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${partition} of topic id ${topicId}`)
}

/** Opens (creating if needed) the catalog file at `path` and brings its schema up to date. */
export async function openSqliteCatalog (path: string, options: SqliteCatalogOptions = {}): Promise<SqliteCatalog> {
  mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseConstructor(path)
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
    applyMigrations(db)
    return new SqliteCatalog(db)
  } catch (error) {
    db.close()
    throw error
  }
}

export class SqliteCatalog extends SqliteIdentityCatalog implements Catalog {
  #db: Database
  #sql: Statements
  #commit: Transaction<CommitFunction>
  #clusters: SqliteClusterStore
  #groups: SqliteGroupStore
  #producers: SqliteProducerStore
  #transactions: SqliteTransactionStore

  constructor (db: Database) {
    super(db)
    this.#db = db
    this.#sql = prepareStatements(db)
    this.#clusters = new SqliteClusterStore(db)
    this.#groups = new SqliteGroupStore(db)
    this.#producers = new SqliteProducerStore(db)
    this.#transactions = new SqliteTransactionStore(db)
    this.#commit = db.transaction<CommitFunction>((objectKey, appends) => this.#commitInTransaction(objectKey, appends))
  }

  async close (): Promise<void> {
    if (this.#db.open) this.#db.close()
  }

  async createCluster (cluster: ClusterRecord, tags: Readonly<Record<string, string>> = {}): Promise<void> {
    this.#clusters.create(cluster, tags)
  }

  async getCluster (clusterId: string): Promise<ClusterRecord | undefined> {
    return this.#clusters.get(clusterId)
  }

  async listClusters (): Promise<ClusterRecord[]> {
    return this.#clusters.list()
  }

  async setClusterState (clusterId: string, state: ClusterState, stateMessage?: string): Promise<ClusterRecord | undefined> {
    return this.#clusters.setState(clusterId, state, stateMessage)
  }

  async deleteCluster (clusterId: string): Promise<boolean> {
    return this.#writeTransaction(() => {
      for (const name of this.#clusters.topicNames(clusterId)) this.#deleteTopicInTransaction(clusterId, name)
      return this.#clusters.deleteRows(clusterId)
    })
  }

  async getClusterTags (clusterId: string): Promise<Record<string, string>> {
    return this.#clusters.tags(clusterId)
  }

  async tagCluster (clusterId: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return this.#clusters.tag(clusterId, tags)
  }

  async untagCluster (clusterId: string, tagKeys: readonly string[]): Promise<boolean> {
    return this.#clusters.untag(clusterId, tagKeys)
  }

  async createTopic (topic: TopicRecord): Promise<void> {
    this.#writeTransaction(() => {
      if (this.#sql.getTopic.get(topic.clusterId, topic.name) !== undefined) {
        throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`)
      }
      try {
        this.#sql.insertTopic.run(
          topic.topicId, topic.clusterId, topic.name, topic.partitionCount, JSON.stringify(topic.configs), topic.createdAtMs
        )
      } catch (error) {
        if (!isConstraintError(error)) throw error
        throw new ServiceError('STORAGE_CONFLICT', `topic id ${topic.topicId} is already in use`, { cause: error })
      }
      for (let partition = 0; partition < topic.partitionCount; partition++) {
        this.#sql.insertPartition.run(topic.topicId, partition, topic.clusterId)
      }
    })
  }

  async getTopic (clusterId: string, name: string): Promise<TopicRecord | undefined> {
    const row = this.#sql.getTopic.get(clusterId, name)
    return row === undefined ? undefined : toTopicRecord(row)
  }

  async getTopicById (clusterId: string, topicId: string): Promise<TopicRecord | undefined> {
    const row = this.#sql.getTopicById.get(clusterId, topicId)
    return row === undefined ? undefined : toTopicRecord(row)
  }

  async listTopics (clusterId: string): Promise<TopicRecord[]> {
    return this.#sql.listTopics.all(clusterId).map(toTopicRecord)
  }

  async deleteTopic (clusterId: string, name: string): Promise<TopicRecord | undefined> {
    return this.#writeTransaction(() => this.#deleteTopicInTransaction(clusterId, name))
  }

  #deleteTopicInTransaction (clusterId: string, name: string): TopicRecord | undefined {
    const row = this.#sql.getTopic.get(clusterId, name)
    if (row === undefined) return undefined
    this.#sql.deleteBatchesOfTopic.run(row.topicId)
    this.#groups.forgetTopic(row.topicId)
    this.#producers.forgetTopic(row.topicId)
    this.#transactions.forgetTopic(row.topicId)
    this.#sql.deletePartitions.run(row.topicId)
    this.#sql.deleteTopic.run(row.topicId)
    return toTopicRecord(row)
  }

  async setPartitionCount (clusterId: string, name: string, partitionCount: number): Promise<void> {
    this.#writeTransaction(() => {
      const row = this.#requireTopic(clusterId, name)
      if (partitionCount <= row.partitionCount) {
        throw new KafkaError(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${row.partitionCount} partitions, which is higher than or equal to the requested ${partitionCount}.`
        )
      }
      for (let partition = row.partitionCount; partition < partitionCount; partition++) {
        this.#sql.insertPartition.run(row.topicId, partition, clusterId)
      }
      this.#sql.setPartitionCount.run(partitionCount, row.topicId)
    })
  }

  async setTopicConfigs (clusterId: string, name: string, configs: Record<string, string>): Promise<void> {
    this.#writeTransaction(() => {
      this.#sql.setConfigs.run(JSON.stringify(configs), this.#requireTopic(clusterId, name).topicId)
    })
  }

  async getPartitionOffsets (topicId: string, partition: number): Promise<PartitionOffsets | undefined> {
    const row = this.#sql.getPartition.get(topicId, partition)
    return row === undefined ? undefined : { logStartOffset: row.logStartOffset, highWatermark: row.highWatermark }
  }

  async commitAppends (objectKey: string, appends: readonly BatchAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return []
    const { results, partitions } = this.#commit.immediate(objectKey, appends)
    for (const { topicId, partition, highWatermark, producers } of partitions) {
      this.#producers.keepKnownStates(topicId, partition, highWatermark, producers)
    }
    return results
  }

  async findBatches (topicId: string, partition: number, fromOffset: number, maxBytes: number): Promise<BatchCoordinate[]> {
    const found: BatchCoordinate[] = []
    let totalBytes = 0
    for (const row of this.#sql.findBatches.iterate(topicId, partition, fromOffset)) {
      if (found.length > 0 && totalBytes + row.size > maxBytes) break
      found.push(row)
      totalBytes += row.size
    }
    return found
  }

  async findBatchByTimestamp (topicId: string, partition: number, timestamp: number): Promise<BatchCoordinate | undefined> {
    return this.#sql.findBatchByTimestamp.get(topicId, partition, timestamp)
  }

  async findMaxTimestampBatch (topicId: string, partition: number): Promise<BatchCoordinate | undefined> {
    return this.#sql.findMaxTimestampBatch.get({ topicId, partition })
  }

  async advanceLogStartOffset (topicId: string, partition: number, offset: number): Promise<number> {
    return this.#writeTransaction(() => {
      const state = this.#requirePartition(topicId, partition)
      if (offset > state.highWatermark) {
        throw new KafkaError(
          ErrorCode.OFFSET_OUT_OF_RANGE,
          `Offset ${offset} is above the high watermark ${state.highWatermark}`
        )
      }
      if (offset <= state.logStartOffset) return state.logStartOffset
      const droppedBytes = this.#sql.bytesEndingBefore.get(topicId, partition, offset) ?? 0
      this.#sql.deleteBatchesEndingBefore.run(topicId, partition, offset)
      this.#sql.updatePartition.run(offset, state.highWatermark, state.sizeBytes - droppedBytes, topicId, partition)
      this.#producers.dropStatesBelow(topicId, partition, offset)
      this.#transactions.dropAbortedBelow(topicId, partition, offset)
      return offset
    })
  }

  async expireBatches (topicId: string, partition: number, options: ExpireOptions): Promise<number> {
    return this.#writeTransaction(() => {
      const state = this.#requirePartition(topicId, partition)
      const { maxTimestampBefore, retainBytes } = options
      let remainingBytes = state.sizeBytes
      let nextStart = state.highWatermark
      let dropCount = 0
      for (const row of this.#sql.leadingRows.iterate(topicId, partition)) {
        const isTooOld = maxTimestampBefore !== undefined && row.maxTimestamp < maxTimestampBefore
        const isOverSize = retainBytes !== undefined && retainBytes >= 0 && remainingBytes - row.size >= retainBytes
        if (!isTooOld && !isOverSize) {
          nextStart = row.baseOffset
          break
        }
        remainingBytes -= row.size
        dropCount++
      }
      if (dropCount === 0) return state.logStartOffset
      const logStartOffset = Math.max(state.logStartOffset, nextStart)
      this.#sql.deleteBatchesStartingBefore.run(topicId, partition, nextStart)
      this.#sql.updatePartition.run(logStartOffset, state.highWatermark, remainingBytes, topicId, partition)
      this.#producers.dropStatesBelow(topicId, partition, logStartOffset)
      this.#transactions.dropAbortedBelow(topicId, partition, logStartOffset)
      return logStartOffset
    })
  }

  async partitionSizeBytes (topicId: string, partition: number): Promise<number> {
    return this.#sql.getPartition.get(topicId, partition)?.sizeBytes ?? 0
  }

  async listReferencedObjectKeys (): Promise<Set<string>> {
    return new Set(this.#sql.listObjectKeys.all())
  }

  async allocateProducerId (clusterId: string, nowMs: number): Promise<ProducerIdRecord> {
    return this.#producers.allocate(clusterId, nowMs)
  }

  async bumpProducerEpoch (clusterId: string, producerId: number, expectedEpoch: number, nowMs: number): Promise<ProducerEpochBump> {
    return this.#producers.bump(clusterId, producerId, expectedEpoch, nowMs)
  }

  async getProducerId (clusterId: string, producerId: number): Promise<ProducerIdRecord | undefined> {
    return this.#producers.get(clusterId, producerId)
  }

  async listPartitionProducers (topicId: string, partition: number): Promise<ProducerPartitionState[]> {
    return this.#producers.listStates(topicId, partition)
  }

  async expireProducers (idleBeforeMs: number): Promise<number> {
    return this.#producers.expire(idleBeforeMs)
  }

  async registerNode (node: NodeRecord): Promise<number> {
    return this.#writeTransaction(() => {
      const nodeId = node.nodeId === -1 ? (this.#sql.nextNodeId.get() ?? 1) : node.nodeId
      this.#sql.upsertNode.run(nodeId, node.host, node.port, node.rack, node.leaseExpiresAtMs)
      return nodeId
    })
  }

  async listLiveNodes (nowMs: number): Promise<NodeRecord[]> {
    return this.#sql.listLiveNodes.all(nowMs)
  }

  async createGroup (group: GroupRecord, maxGroupsPerCluster: number): Promise<CreateGroupResult> {
    return this.#groups.createGroup(group, maxGroupsPerCluster)
  }

  async getGroup (clusterId: string, groupId: string): Promise<GroupRecord | undefined> {
    return this.#groups.getGroup(clusterId, groupId)
  }

  async listGroups (clusterId: string): Promise<GroupRecord[]> {
    return this.#groups.listGroups(clusterId)
  }

  async updateGroup (clusterId: string, groupId: string, changes: Pick<GroupRecord, 'protocolType' | 'state' | 'generationId'>): Promise<boolean> {
    return this.#groups.updateGroup(clusterId, groupId, changes)
  }

  async deleteGroup (clusterId: string, groupId: string): Promise<boolean> {
    return this.#groups.deleteGroup(clusterId, groupId)
  }

  async commitOffsets (clusterId: string, groupId: string, offsets: readonly CommittedOffset[]): Promise<number[]> {
    return this.#groups.commitOffsets(clusterId, groupId, offsets)
  }

  async fetchOffsets (clusterId: string, groupId: string, partitions?: readonly GroupPartition[]): Promise<CommittedOffset[]> {
    return this.#groups.fetchOffsets(clusterId, groupId, partitions)
  }

  async deleteOffsets (clusterId: string, groupId: string, partitions: readonly GroupPartition[]): Promise<number> {
    return this.#groups.deleteOffsets(clusterId, groupId, partitions)
  }

  async listAbortedTransactions (topicId: string, partition: number, fromOffset: number): Promise<AbortedTransaction[]> {
    return this.#transactions.listAborted(topicId, partition, fromOffset)
  }

  async getTransaction (clusterId: string, transactionalId: string): Promise<TransactionRecord | undefined> {
    return this.#transactions.get(clusterId, transactionalId)
  }

  async listTransactions (clusterId: string): Promise<TransactionRecord[]> {
    return this.#transactions.list(clusterId)
  }

  async saveTransaction (record: TransactionRecord): Promise<void> {
    this.#transactions.save(record)
  }

  async completeTransaction (record: TransactionRecord, offsets: readonly PendingTxnOffset[]): Promise<void> {
    this.#writeTransaction(() => {
      for (const { groupId, ...offset } of offsets) this.#groups.commitOffsets(record.clusterId, groupId, [offset])
      this.#transactions.save(record)
    })
  }

  #commitInTransaction (objectKey: string, appends: readonly BatchAppend[]): ReturnType<CommitFunction> {
    const results: AppendResult[] = []
    // Partitions touched by this commit, keyed by topic id then partition; null when missing.
    const states = new Map<string, Map<number, CommitState | null>>()
    for (const append of appends) {
      let byPartition = states.get(append.topicId)
      if (byPartition === undefined) {
        byPartition = new Map()
        states.set(append.topicId, byPartition)
      }
      let state = byPartition.get(append.partition)
      if (state === undefined) {
        const row = this.#sql.getPartition.get(append.topicId, append.partition)
        state = row === undefined || row.clusterId !== append.clusterId
          ? null
          : {
              ...row,
              openRow: undefined,
              producers: this.#producers.takeKnownStates(append.topicId, append.partition, row.highWatermark),
              changedProducerIds: new Set()
            }
        byPartition.set(append.partition, state)
      }
      if (state === null) {
        const { message } = unknownPartition(append.topicId, append.partition)
        results.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message })
        continue
      }
      const producer = append.producerId >= 0 ? this.#producerState(state, append) : undefined
      const answer = answerWithoutStoring(producer, append, state.logStartOffset, () =>
        this.#transactions.isInOpenTransactionInCommit(append.producerId, append.producerEpoch, append.topicId, append.partition))
      if (answer !== undefined) {
        results.push(answer)
        continue
      }
      const baseOffset = state.highWatermark
      const lastOffset = baseOffset + append.offsetCount - 1
      if (append.producerId >= 0) {
        const recorded = recordAppend(producer, append, baseOffset, lastOffset)
        state.producers.set(append.producerId, recorded.state)
        state.changedProducerIds.add(append.producerId)
        if (recorded.aborted !== undefined) {
          this.#transactions.recordAbortedInCommit(append.clusterId, append.topicId, append.partition, recorded.aborted)
        }
      }
      state.highWatermark = lastOffset + 1
      state.sizeBytes += append.size
      const open = state.openRow
      if (open !== undefined && open.position + open.size === append.position) {
        open.lastOffset = lastOffset
        open.size += append.size
        open.maxTimestamp = Math.max(open.maxTimestamp, append.maxTimestamp)
      } else {
        if (open !== undefined) this.#insertBatch(append, open)
        state.openRow = {
          baseOffset, lastOffset, objectKey, position: append.position, size: append.size, maxTimestamp: append.maxTimestamp
        }
      }
      results.push({ errorCode: 0, baseOffset, logStartOffset: state.logStartOffset })
    }
    const partitions: CommittedPartition[] = []
    for (const [topicId, byPartition] of states) {
      for (const [partition, state] of byPartition) {
        if (state === null) continue
        partitions.push({ topicId, partition, highWatermark: state.highWatermark, producers: state.producers })
        if (state.openRow === undefined) continue
        this.#insertBatch({ topicId, partition, clusterId: state.clusterId }, state.openRow)
        this.#sql.updatePartition.run(state.logStartOffset, state.highWatermark, state.sizeBytes, topicId, partition)
        for (const producerId of state.changedProducerIds) {
          const producer = state.producers.get(producerId)
          if (producer !== undefined) this.#producers.saveState(topicId, partition, state.clusterId, producer)
        }
      }
    }
    return { results, partitions }
  }

  /** The partition's state of the append's producer, read once per commit and then kept up to date in `state`. */
  #producerState (state: CommitState, append: BatchAppend): ProducerPartitionState | undefined {
    if (state.producers.has(append.producerId)) return state.producers.get(append.producerId)
    const loaded = this.#producers.loadState(append.topicId, append.partition, append.producerId)
    state.producers.set(append.producerId, loaded)
    return loaded
  }

  #insertBatch (at: Pick<BatchAppend, 'topicId' | 'partition' | 'clusterId'>, row: BatchCoordinate): void {
    this.#sql.insertBatch.run(
      at.topicId, at.partition, row.baseOffset, row.lastOffset, at.clusterId, row.objectKey, row.position, row.size, row.maxTimestamp
    )
  }

  /** Runs `work` in a write transaction (BEGIN IMMEDIATE, so no other writer slips in between read and write). */
  #writeTransaction<T> (work: () => T): T {
    return this.#db.transaction(work).immediate()
  }

  #requireTopic (clusterId: string, name: string): TopicRow {
    const row = this.#sql.getTopic.get(clusterId, name)
    if (row === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown topic '${name}'`)
    return row
  }

  #requirePartition (topicId: string, partition: number): PartitionRow {
    const row = this.#sql.getPartition.get(topicId, partition)
    if (row === undefined) throw unknownPartition(topicId, partition)
    return row
  }
}
