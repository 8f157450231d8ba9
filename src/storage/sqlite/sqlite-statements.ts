// The SQL of the SQLite catalog, prepared once per connection. Columns are aliased to the
// camelCase names of catalog.ts so that rows come back in the shape the interface returns.

import type { Database, Statement } from 'better-sqlite3'
import type { BatchCoordinate, NodeRecord } from '../catalog.ts'

export interface TopicRow {
  clusterId: string
  topicId: string
  name: string
  partitionCount: number
  configs: string
  createdAtMs: number
}

export interface PartitionRow {
  clusterId: string
  logStartOffset: number
  highWatermark: number
  sizeBytes: number
}

export interface LeadingRow {
  baseOffset: number
  size: number
  maxTimestamp: number
}

const TOPIC_COLUMNS =
  'cluster_id AS clusterId, topic_id AS topicId, name, partition_count AS partitionCount, configs, created_at_ms AS createdAtMs'
const BATCH_COLUMNS =
  'base_offset AS baseOffset, last_offset AS lastOffset, object_key AS objectKey, position, size, max_timestamp AS maxTimestamp'
const NODE_COLUMNS = 'node_id AS nodeId, host, port, rack, lease_expires_at_ms AS leaseExpiresAtMs'

export function prepareStatements (db: Database) {
  return {
    insertTopic: db.prepare<[string, string, string, number, string, number]>(
      'INSERT INTO topics (topic_id, cluster_id, name, partition_count, configs, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)'
    ),
    getTopic: db.prepare<[string, string], TopicRow>(`SELECT ${TOPIC_COLUMNS} FROM topics WHERE cluster_id = ? AND name = ?`),
    getTopicById: db.prepare<[string, string], TopicRow>(
      `SELECT ${TOPIC_COLUMNS} FROM topics WHERE cluster_id = ? AND topic_id = ?`
    ),
    listTopics: db.prepare<[string], TopicRow>(`SELECT ${TOPIC_COLUMNS} FROM topics WHERE cluster_id = ? ORDER BY name`),
    deleteTopic: db.prepare<[string]>('DELETE FROM topics WHERE topic_id = ?'),
    setPartitionCount: db.prepare<[number, string]>('UPDATE topics SET partition_count = ? WHERE topic_id = ?'),
    setConfigs: db.prepare<[string, string]>('UPDATE topics SET configs = ? WHERE topic_id = ?'),

    insertPartition: db.prepare<[string, number, string]>(
      `INSERT INTO partitions (topic_id, partition, cluster_id, log_start_offset, high_watermark, size_bytes)
       VALUES (?, ?, ?, 0, 0, 0)`
    ),
    getPartition: db.prepare<[string, number], PartitionRow>(
      `SELECT cluster_id AS clusterId, log_start_offset AS logStartOffset, high_watermark AS highWatermark,
              size_bytes AS sizeBytes
       FROM partitions WHERE topic_id = ? AND partition = ?`
    ),
    updatePartition: db.prepare<[number, number, number, string, number]>(
      `UPDATE partitions SET log_start_offset = ?, high_watermark = ?, size_bytes = ?
       WHERE topic_id = ? AND partition = ?`
    ),
    deletePartitions: db.prepare<[string]>('DELETE FROM partitions WHERE topic_id = ?'),

    insertBatch: db.prepare<[string, number, number, number, string, string, number, number, number]>(
      `INSERT INTO batches (topic_id, partition, base_offset, last_offset, cluster_id, object_key, position, size, max_timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    findBatches: db.prepare<[string, number, number], BatchCoordinate>(
      `SELECT ${BATCH_COLUMNS} FROM batches
       WHERE topic_id = ? AND partition = ? AND last_offset >= ? ORDER BY last_offset`
    ),
    findBatchByTimestamp: db.prepare<[string, number, number], BatchCoordinate>(
      `SELECT ${BATCH_COLUMNS} FROM batches
       WHERE topic_id = ? AND partition = ? AND max_timestamp >= ? ORDER BY base_offset LIMIT 1`
    ),
    findMaxTimestampBatch: db.prepare<{ topicId: string, partition: number }, BatchCoordinate>(
      // Three index lookups (the largest timestamp, the earliest row holding it, that row);
      // ORDER BY ... LIMIT 1 would make SQLite scan the partition.
      `SELECT ${BATCH_COLUMNS} FROM batches
       WHERE topic_id = @topicId AND partition = @partition AND base_offset = (
         SELECT MIN(base_offset) FROM batches
         WHERE topic_id = @topicId AND partition = @partition AND max_timestamp = (
           SELECT MAX(max_timestamp) FROM batches WHERE topic_id = @topicId AND partition = @partition))`
    ),
    leadingRows: db.prepare<[string, number], LeadingRow>(
      `SELECT base_offset AS baseOffset, size, max_timestamp AS maxTimestamp FROM batches
       WHERE topic_id = ? AND partition = ? ORDER BY base_offset`
    ),
    bytesEndingBefore: db.prepare<[string, number, number], number>(
      'SELECT COALESCE(SUM(size), 0) FROM batches WHERE topic_id = ? AND partition = ? AND last_offset < ?'
    ).pluck(),
    deleteBatchesEndingBefore: db.prepare<[string, number, number]>(
      'DELETE FROM batches WHERE topic_id = ? AND partition = ? AND last_offset < ?'
    ),
    deleteBatchesStartingBefore: db.prepare<[string, number, number]>(
      'DELETE FROM batches WHERE topic_id = ? AND partition = ? AND base_offset < ?'
    ),
    deleteBatchesOfTopic: db.prepare<[string]>('DELETE FROM batches WHERE topic_id = ?'),
    listObjectKeys: db.prepare<[], string>('SELECT DISTINCT object_key FROM batches').pluck(),

    nextNodeId: db.prepare<[], number>('SELECT COALESCE(MAX(node_id), 0) + 1 FROM nodes').pluck(),
    upsertNode: db.prepare<[number, string, number, string | null, number]>(
      `INSERT INTO nodes (node_id, host, port, rack, lease_expires_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET
         host = excluded.host, port = excluded.port, rack = excluded.rack, lease_expires_at_ms = excluded.lease_expires_at_ms`
    ),
    listLiveNodes: db.prepare<[number], NodeRecord>(
      `SELECT ${NODE_COLUMNS} FROM nodes WHERE lease_expires_at_ms > ? ORDER BY node_id`
    )
  } satisfies Record<string, Statement<never[]>>
}

export type Statements = ReturnType<typeof prepareStatements>
