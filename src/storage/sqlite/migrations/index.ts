// Versioned schema migrations of the SQLite catalog, applied in order on open. Each applied
// version is a row of `schema_migrations`, a table the PostgreSQL catalog keeps the same way.

import type { Database } from 'better-sqlite3'
import { ServiceError } from '../../../common/errors.ts'
import { initialSchema } from './0001-initial.ts'
import { consumerGroupsSchema } from './0002-consumer-groups.ts'
import { producersSchema } from './0003-producers.ts'
import { transactionsSchema } from './0004-transactions.ts'
import { identitiesSchema } from './0005-identities.ts'
import { managedClustersSchema } from './0006-managed-clusters.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Every migration, by ascending version. Never edit an applied one: add the next version. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'consumer-groups', sql: consumerGroupsSchema },
  { version: 3, name: 'producers', sql: producersSchema },
  { version: 4, name: 'transactions', sql: transactionsSchema },
  { version: 5, name: 'identities', sql: identitiesSchema },
  { version: 6, name: 'managed-clusters', sql: managedClustersSchema }
]

/** Applies the pending migrations in one write transaction; returns the schema version. */
export function applyMigrations (db: Database, now: () => number = Date.now): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at_ms BIGINT NOT NULL
  )`)
  const latest = migrations.at(-1)?.version ?? 0
  const migrate = db.transaction(() => {
    const current = db.prepare<[], number>('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() ?? 0
    if (current > latest) {
      throw new ServiceError(
        'STORAGE_SCHEMA_TOO_NEW',
        `the catalog has schema version ${current}; this Skiff knows versions up to ${latest}`
      )
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)')
    for (const migration of migrations) {
      if (migration.version <= current) continue
      db.exec(migration.sql)
      record.run(migration.version, migration.name, now())
    }
  })
  migrate.immediate()
  return latest
}
