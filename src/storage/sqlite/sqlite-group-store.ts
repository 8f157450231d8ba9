// The consumer-group half of the SQLite catalog: group records and committed offsets (schema
// version 2). SqliteCatalog delegates its group methods here; each write is one transaction.
import type { Database } from 'better-sqlite3'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CommittedOffset, CreateGroupResult, GroupPartition, GroupRecord } from '../catalog.ts'

const GROUP_COLUMNS =
  'cluster_id AS clusterId, group_id AS groupId, protocol_type AS protocolType, state, generation_id AS generationId, created_at_ms AS createdAtMs'
const OFFSET_COLUMNS =
  `topic_id AS topicId, partition, committed_offset AS committedOffset, leader_epoch AS leaderEpoch, metadata,
   commit_timestamp_ms AS commitTimestampMs`

function prepareGroupStatements (db: Database) {
  return {
    insertGroup: db.prepare<[string, string, string, string, number, number]>(
      `INSERT INTO consumer_groups (cluster_id, group_id, protocol_type, state, generation_id, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`
    ),
    countGroups: db.prepare<[string], number>('SELECT COUNT(*) FROM consumer_groups WHERE cluster_id = ?').pluck(),
    getGroup: db.prepare<[string, string], GroupRecord>(
      `SELECT ${GROUP_COLUMNS} FROM consumer_groups WHERE cluster_id = ? AND group_id = ?`
    ),
    listGroups: db.prepare<[string], GroupRecord>(
      `SELECT ${GROUP_COLUMNS} FROM consumer_groups WHERE cluster_id = ? ORDER BY group_id`
    ),
    updateGroup: db.prepare<[string, string, number, string, string]>(
      `UPDATE consumer_groups SET protocol_type = ?, state = ?, generation_id = ?
       WHERE cluster_id = ? AND group_id = ?`
    ),
    deleteGroup: db.prepare<[string, string]>('DELETE FROM consumer_groups WHERE cluster_id = ? AND group_id = ?'),
    deleteGroupOffsets: db.prepare<[string, string]>('DELETE FROM committed_offsets WHERE cluster_id = ? AND group_id = ?'),
    hasPartition: db.prepare<[string, number, string], number>(
      'SELECT 1 FROM partitions WHERE topic_id = ? AND partition = ? AND cluster_id = ?'
    ).pluck(),
    upsertOffset: db.prepare<[string, string, string, number, number, number, string, number]>(
      `INSERT INTO committed_offsets
         (cluster_id, group_id, topic_id, partition, committed_offset, leader_epoch, metadata, commit_timestamp_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cluster_id, group_id, topic_id, partition) DO UPDATE SET
         committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch,
         metadata = excluded.metadata, commit_timestamp_ms = excluded.commit_timestamp_ms`
    ),
    getOffset: db.prepare<[string, string, string, number], CommittedOffset>(
      `SELECT ${OFFSET_COLUMNS} FROM committed_offsets
       WHERE cluster_id = ? AND group_id = ? AND topic_id = ? AND partition = ?`
    ),
    listOffsets: db.prepare<[string, string], CommittedOffset>(
      `SELECT ${OFFSET_COLUMNS} FROM committed_offsets
       WHERE cluster_id = ? AND group_id = ? ORDER BY topic_id, partition`
    ),
    deleteOffset: db.prepare<[string, string, string, number]>(
      'DELETE FROM committed_offsets WHERE cluster_id = ? AND group_id = ? AND topic_id = ? AND partition = ?'
    ),
    deleteTopicOffsets: db.prepare<[string]>('DELETE FROM committed_offsets WHERE topic_id = ?')
  }
}

function byTopicAndPartition (a: CommittedOffset, b: CommittedOffset): number {
  if (a.topicId !== b.topicId) return a.topicId < b.topicId ? -1 : 1
  return a.partition - b.partition
}

export class SqliteGroupStore {
  readonly #db: Database
  readonly #sql: ReturnType<typeof prepareGroupStatements>

  constructor (db: Database) {
    this.#db = db
    this.#sql = prepareGroupStatements(db)
  }

  createGroup (group: GroupRecord, maxGroupsPerCluster: number): CreateGroupResult {
    return this.#db.transaction((): CreateGroupResult => {
      if (this.#sql.getGroup.get(group.clusterId, group.groupId) !== undefined) return 'exists'
      if ((this.#sql.countGroups.get(group.clusterId) ?? 0) >= maxGroupsPerCluster) return 'limit-reached'
      this.#sql.insertGroup.run(group.clusterId, group.groupId, group.protocolType, group.state, group.generationId, group.createdAtMs)
      return 'created'
    }).immediate()
  }

  getGroup (clusterId: string, groupId: string): GroupRecord | undefined {
    return this.#sql.getGroup.get(clusterId, groupId)
  }

  listGroups (clusterId: string): GroupRecord[] {
    return this.#sql.listGroups.all(clusterId)
  }

  updateGroup (clusterId: string, groupId: string, changes: Pick<GroupRecord, 'protocolType' | 'state' | 'generationId'>): boolean {
    return this.#sql.updateGroup.run(changes.protocolType, changes.state, changes.generationId, clusterId, groupId).changes > 0
  }

  deleteGroup (clusterId: string, groupId: string): boolean {
    return this.#db.transaction(() => {
      this.#sql.deleteGroupOffsets.run(clusterId, groupId)
      return this.#sql.deleteGroup.run(clusterId, groupId).changes > 0
    }).immediate()
  }

  commitOffsets (clusterId: string, groupId: string, offsets: readonly CommittedOffset[]): number[] {
    if (offsets.length === 0) return []
    return this.#db.transaction(() => {
      if (this.#sql.getGroup.get(clusterId, groupId) === undefined) return offsets.map(() => ErrorCode.GROUP_ID_NOT_FOUND)
      return offsets.map(offset => {
        if (this.#sql.hasPartition.get(offset.topicId, offset.partition, clusterId) === undefined) {
          return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        }
        this.#sql.upsertOffset.run(
          clusterId, groupId, offset.topicId, offset.partition, offset.committedOffset, offset.leaderEpoch, offset.metadata,
          offset.commitTimestampMs
        )
        return 0
      })
    }).immediate()
  }

  fetchOffsets (clusterId: string, groupId: string, partitions?: readonly GroupPartition[]): CommittedOffset[] {
    if (partitions === undefined) return this.#sql.listOffsets.all(clusterId, groupId)
    const found = new Map<string, CommittedOffset>()
    for (const { topicId, partition } of partitions) {
      const offset = this.#sql.getOffset.get(clusterId, groupId, topicId, partition)
      if (offset !== undefined) found.set(`${topicId}/${partition}`, offset)
    }
    return [...found.values()].sort(byTopicAndPartition)
  }

  deleteOffsets (clusterId: string, groupId: string, partitions: readonly GroupPartition[]): number {
    return this.#db.transaction(() => {
      let count = 0
      for (const { topicId, partition } of partitions) count += this.#sql.deleteOffset.run(clusterId, groupId, topicId, partition).changes
      return count
    }).immediate()
  }

  /** Inside deleteTopic's transaction: drops the topic's committed offsets in every group. */
  forgetTopic (topicId: string): void {
    this.#sql.deleteTopicOffsets.run(topicId)
  }
}
