// Schema version 1: clusters, topics, partitions, batch coordinates and nodes. The PostgreSQL
// catalog has the same tables and columns; only `WITHOUT ROWID` is SQLite's own.

export const initialSchema = `
CREATE TABLE clusters (
  cluster_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE topics (
  topic_id TEXT PRIMARY KEY,
  cluster_id TEXT NOT NULL,
  name TEXT NOT NULL,
  partition_count INTEGER NOT NULL,
  -- JSON object of the configs set on the topic (defaults are the broker's business)
  configs TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (cluster_id, name)
);

CREATE TABLE partitions (
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  cluster_id TEXT NOT NULL,
  log_start_offset BIGINT NOT NULL,
  high_watermark BIGINT NOT NULL,
  -- sum of batches.size for the partition, kept with every change so retention needs no scan
  size_bytes BIGINT NOT NULL,
  PRIMARY KEY (topic_id, partition)
) WITHOUT ROWID;

-- One row per run of contiguous batches of one partition in one object.
CREATE TABLE batches (
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  base_offset BIGINT NOT NULL,
  last_offset BIGINT NOT NULL,
  cluster_id TEXT NOT NULL,
  object_key TEXT NOT NULL,
  position BIGINT NOT NULL,
  size BIGINT NOT NULL,
  max_timestamp BIGINT NOT NULL,
  PRIMARY KEY (topic_id, partition, base_offset)
) WITHOUT ROWID;

-- findBatches: the first row with last_offset >= the fetch offset.
CREATE INDEX batches_by_last_offset ON batches (topic_id, partition, last_offset);
-- findBatchByTimestamp and findMaxTimestampBatch.
CREATE INDEX batches_by_max_timestamp ON batches (topic_id, partition, max_timestamp);

CREATE TABLE nodes (
  node_id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  rack TEXT,
  lease_expires_at_ms BIGINT NOT NULL
);
`
