// The SQLite catalog's clusters: records with the control plane's fields, tags, state changes,
// and the cluster-wide part of deleteCluster (the per-topic part reuses the topic deletion).
import type { Database } from 'better-sqlite3'
import { ServiceError } from '../../common/errors.ts'
import type { ClusterRecord, ClusterState, ServerlessClusterSettings } from '../catalog.ts'

interface ClusterRow {
  clusterId: string
  name: string
  state: ClusterState
  createdAtMs: number
  arn: string | null
  accountId: string | null
  serverless: string | null
  bootstrapPort: number | null
  stateMessage: string | null
}

const CLUSTER_COLUMNS = `cluster_id AS clusterId, name, state, created_at_ms AS createdAtMs, arn, account_id AS accountId,
  serverless, bootstrap_port AS bootstrapPort, state_message AS stateMessage`

/** Tables keyed by cluster id whose rows go with the cluster (the topic-keyed ones go topic by topic). */
const CLUSTER_TABLES = ['consumer_groups', 'committed_offsets', 'transactions', 'transaction_partitions', 'producer_ids', 'cluster_tags']

function toRecord (row: ClusterRow): ClusterRecord {
  const record: ClusterRecord = { clusterId: row.clusterId, name: row.name, state: row.state, createdAtMs: row.createdAtMs }
  if (row.arn !== null) record.arn = row.arn
  if (row.accountId !== null) record.accountId = row.accountId
  if (row.serverless !== null) record.serverless = JSON.parse(row.serverless) as ServerlessClusterSettings
  if (row.bootstrapPort !== null) record.bootstrapPort = row.bootstrapPort
  if (row.stateMessage !== null) record.stateMessage = row.stateMessage
  return record
}

function constraintMessage (error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT') ? error.message : undefined
}

function prepare (db: Database) {
  return {
    insert: db.prepare<[string, string, string, number, string | null, string | null, string | null, number | null, string | null]>(
      `INSERT INTO clusters (cluster_id, name, state, created_at_ms, arn, account_id, serverless, bootstrap_port, state_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    get: db.prepare<[string], ClusterRow>(`SELECT ${CLUSTER_COLUMNS} FROM clusters WHERE cluster_id = ?`),
    list: db.prepare<[], ClusterRow>(`SELECT ${CLUSTER_COLUMNS} FROM clusters ORDER BY created_at_ms, cluster_id`),
    nameTaken: db.prepare<[string, string], number>('SELECT 1 FROM clusters WHERE account_id = ? AND name = ?').pluck(),
    portTaken: db.prepare<[number], number>('SELECT 1 FROM clusters WHERE bootstrap_port = ?').pluck(),
    setState: db.prepare<[string, string | null, string]>('UPDATE clusters SET state = ?, state_message = ? WHERE cluster_id = ?'),
    delete: db.prepare<[string]>('DELETE FROM clusters WHERE cluster_id = ?'),
    topicNames: db.prepare<[string], string>('SELECT name FROM topics WHERE cluster_id = ?').pluck(),
    deleteFromTables: CLUSTER_TABLES.map(table => db.prepare<[string]>(`DELETE FROM ${table} WHERE cluster_id = ?`)),
    tags: db.prepare<[string], { key: string, value: string }>(
      'SELECT tag_key AS key, tag_value AS value FROM cluster_tags WHERE cluster_id = ? ORDER BY tag_key'
    ),
    putTag: db.prepare<[string, string, string]>(
      `INSERT INTO cluster_tags (cluster_id, tag_key, tag_value) VALUES (?, ?, ?)
       ON CONFLICT (cluster_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`
    ),
    deleteTag: db.prepare<[string, string]>('DELETE FROM cluster_tags WHERE cluster_id = ? AND tag_key = ?')
  }
}

export class SqliteClusterStore {
  readonly #db: Database
  readonly #sql: ReturnType<typeof prepare>

  constructor (db: Database) {
    this.#db = db
    this.#sql = prepare(db)
  }

  create (cluster: ClusterRecord, tags: Readonly<Record<string, string>>): void {
    this.#db.transaction(() => {
      if (cluster.accountId !== undefined && this.#sql.nameTaken.get(cluster.accountId, cluster.name) !== undefined) {
        throw new ServiceError('CLUSTER_NAME_TAKEN', `account ${cluster.accountId} already has a cluster named ${cluster.name}`)
      }
      if (cluster.bootstrapPort !== undefined && this.#sql.portTaken.get(cluster.bootstrapPort) !== undefined) {
        throw new ServiceError('CLUSTER_PORT_TAKEN', `port ${cluster.bootstrapPort} already serves another cluster`)
      }
      try {
        this.#sql.insert.run(
          cluster.clusterId, cluster.name, cluster.state, cluster.createdAtMs, cluster.arn ?? null, cluster.accountId ?? null,
          cluster.serverless === undefined ? null : JSON.stringify(cluster.serverless), cluster.bootstrapPort ?? null,
          cluster.stateMessage ?? null
        )
      } catch (error) {
        const message = constraintMessage(error)
        if (message === undefined) throw error
        throw new ServiceError('STORAGE_CONFLICT', `cluster ${cluster.clusterId} conflicts with a stored one: ${message}`, { cause: error })
      }
      for (const [key, value] of Object.entries(tags)) this.#sql.putTag.run(cluster.clusterId, key, value)
    }).immediate()
  }

  get (clusterId: string): ClusterRecord | undefined {
    const row = this.#sql.get.get(clusterId)
    return row === undefined ? undefined : toRecord(row)
  }

  list (): ClusterRecord[] {
    return this.#sql.list.all().map(toRecord)
  }

  setState (clusterId: string, state: ClusterState, stateMessage: string | undefined): ClusterRecord | undefined {
    return this.#db.transaction(() => {
      if (this.#sql.setState.run(state, stateMessage ?? null, clusterId).changes === 0) return undefined
      return this.get(clusterId)
    }).immediate()
  }

  /** The names of the cluster's topics, for the per-topic part of deleteCluster. */
  topicNames (clusterId: string): string[] {
    return this.#sql.topicNames.all(clusterId)
  }

  /** The cluster-wide rows and the cluster itself; run inside the caller's transaction, after its topics went. */
  deleteRows (clusterId: string): boolean {
    for (const statement of this.#sql.deleteFromTables) statement.run(clusterId)
    return this.#sql.delete.run(clusterId).changes > 0
  }

  tags (clusterId: string): Record<string, string> {
    return Object.fromEntries(this.#sql.tags.all(clusterId).map(({ key, value }) => [key, value]))
  }

  tag (clusterId: string, tags: Readonly<Record<string, string>>): boolean {
    return this.#db.transaction(() => {
      if (this.#sql.get.get(clusterId) === undefined) return false
      for (const [key, value] of Object.entries(tags)) this.#sql.putTag.run(clusterId, key, value)
      return true
    }).immediate()
  }

  untag (clusterId: string, tagKeys: readonly string[]): boolean {
    return this.#db.transaction(() => {
      if (this.#sql.get.get(clusterId) === undefined) return false
      for (const key of tagKeys) this.#sql.deleteTag.run(clusterId, key)
      return true
    }).immediate()
  }
}
