// Schema version 3: idempotent producers. Producer ids come from a deployment-wide sequence (never
// reused, unique across clusters and nodes); each partition keeps, per producer, the epoch and the
// last five batches the commit checks sequences against. Portable to PostgreSQL as written, apart
// from `WITHOUT ROWID`.

export const producersSchema = `
-- Named counters, advanced inside write transactions; 'producer_id' is the next producer id.
CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  next_value BIGINT NOT NULL
);
INSERT INTO sequences (name, next_value) VALUES ('producer_id', 0);

CREATE TABLE producer_ids (
  producer_id BIGINT PRIMARY KEY,
  cluster_id TEXT NOT NULL,
  -- NULL for an idempotent producer; transactions key their producers by it
  transactional_id TEXT,
  producer_epoch INTEGER NOT NULL,
  -- the epoch before the last bump (KIP-360 retries), -1 when none
  last_producer_epoch INTEGER NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX producer_ids_by_transactional_id ON producer_ids (cluster_id, transactional_id)
  WHERE transactional_id IS NOT NULL;

CREATE TABLE producer_states (
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  producer_id BIGINT NOT NULL,
  cluster_id TEXT NOT NULL,
  producer_epoch INTEGER NOT NULL,
  -- JSON array of the last batches of this epoch, oldest first, at most five:
  -- [[baseSequence, lastSequence, baseOffset, lastOffset], ...]
  batches TEXT NOT NULL,
  -- lastOffset of the last batch (-1 when none): state wholly below the log start offset is dropped
  last_offset BIGINT NOT NULL,
  -- maxTimestamp of the last batch: what DescribeProducers reports and expiry goes by
  last_timestamp BIGINT NOT NULL,
  coordinator_epoch INTEGER NOT NULL,
  -- first offset of the producer's open transaction here, -1 when none
  current_txn_first_offset BIGINT NOT NULL,
  PRIMARY KEY (topic_id, partition, producer_id)
) WITHOUT ROWID;
`
