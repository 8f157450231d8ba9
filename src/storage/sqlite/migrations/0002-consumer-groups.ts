// Schema version 2: consumer groups and their committed offsets. Offsets are keyed by topic id, so
// a topic deleted and created again under the same name starts without them. Portable to
// PostgreSQL as written, apart from `WITHOUT ROWID`.

export const consumerGroupsSchema = `
CREATE TABLE consumer_groups (
  cluster_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  -- 'consumer', or '' for a group that only commits offsets
  protocol_type TEXT NOT NULL,
  -- Kafka's classic group state name, as last recorded by the group's coordinator
  state TEXT NOT NULL,
  generation_id INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (cluster_id, group_id)
) WITHOUT ROWID;

CREATE TABLE committed_offsets (
  cluster_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  committed_offset BIGINT NOT NULL,
  leader_epoch INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  commit_timestamp_ms BIGINT NOT NULL,
  PRIMARY KEY (cluster_id, group_id, topic_id, partition)
) WITHOUT ROWID;

-- Deleting a topic drops its committed offsets in every group.
CREATE INDEX committed_offsets_by_topic ON committed_offsets (topic_id);
`
