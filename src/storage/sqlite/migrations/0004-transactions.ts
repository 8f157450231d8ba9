// Schema version 4: transactions. A transactional id's record (producer id and epoch, state, the
// open transaction's groups and pending offsets), the partitions of its open transaction (which the
// commit checks transactional batches against), and each partition's aborted transactions, which
// read_committed fetches return. Portable to PostgreSQL as written, apart from `WITHOUT ROWID`.

export const transactionsSchema = `
CREATE TABLE transactions (
  cluster_id TEXT NOT NULL,
  transactional_id TEXT NOT NULL,
  producer_id BIGINT NOT NULL,
  producer_epoch INTEGER NOT NULL,
  last_producer_epoch INTEGER NOT NULL,
  timeout_ms INTEGER NOT NULL,
  -- Kafka's TransactionState name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort
  state TEXT NOT NULL,
  started_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  -- JSON array of the group ids AddOffsetsToTxn added
  group_ids TEXT NOT NULL,
  -- JSON array of TxnOffsetCommit offsets waiting for the commit
  pending_offsets TEXT NOT NULL,
  PRIMARY KEY (cluster_id, transactional_id)
);
CREATE INDEX transactions_by_producer_id ON transactions (producer_id);

CREATE TABLE transaction_partitions (
  cluster_id TEXT NOT NULL,
  transactional_id TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, transactional_id, topic_id, partition)
) WITHOUT ROWID;

CREATE TABLE aborted_transactions (
  topic_id TEXT NOT NULL,
  partition INTEGER NOT NULL,
  -- offset of the abort marker
  last_offset BIGINT NOT NULL,
  cluster_id TEXT NOT NULL,
  producer_id BIGINT NOT NULL,
  first_offset BIGINT NOT NULL,
  PRIMARY KEY (topic_id, partition, last_offset)
) WITHOUT ROWID;
`
