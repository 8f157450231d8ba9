// Schema version 6: clusters made through the control plane. A cluster gets its ARN, owning
// account, the echoed `serverless` request part (JSON), its bootstrap port, a FAILED reason, and
// tags. A name is unique per account and a port per deployment; the configured default cluster
// has no account and no port. Portable to PostgreSQL as written (partial unique indexes included).

export const managedClustersSchema = `
ALTER TABLE clusters ADD COLUMN arn TEXT;
ALTER TABLE clusters ADD COLUMN account_id TEXT;
-- JSON of the CreateClusterV2 request's serverless part
ALTER TABLE clusters ADD COLUMN serverless TEXT;
ALTER TABLE clusters ADD COLUMN bootstrap_port INTEGER;
ALTER TABLE clusters ADD COLUMN state_message TEXT;

CREATE UNIQUE INDEX clusters_by_account_name ON clusters (account_id, name) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX clusters_by_bootstrap_port ON clusters (bootstrap_port) WHERE bootstrap_port IS NOT NULL;

CREATE TABLE cluster_tags (
  cluster_id TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (cluster_id, tag_key)
) WITHOUT ROWID;

-- deleteCluster: the other tables are reached through their primary keys (cluster id, or the
-- cluster's topic ids), so the append path keeps its indexes as they were
CREATE INDEX producer_ids_by_cluster ON producer_ids (cluster_id);
`
