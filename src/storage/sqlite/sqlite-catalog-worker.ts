// Worker-thread entry of the threaded SQLite Catalog: owns the only connection and runs each
// call it is sent. better-sqlite3 is synchronous and every commit fsyncs the WAL, so running it
// here keeps the node's event loop free while the disk works (DESIGN.md, hot-path rules).
import { parentPort, workerData } from 'node:worker_threads'
import { KafkaError, ServiceError } from '../../common/errors.ts'
import { openSqliteCatalog, type SqliteCatalogOptions } from './sqlite-catalog.ts'

export interface CatalogCall {
  id: number
  method: string
  args: unknown[]
}

export type CatalogReply =
  | { id: number, result: unknown }
  | { id: number, error: { kind: 'kafka' | 'service' | 'other', message: string, errorCode?: number, code?: string } }

interface WorkerInput {
  path: string
  options: SqliteCatalogOptions
}

function describeError (error: unknown): Extract<CatalogReply, { error: unknown }>['error'] {
  if (error instanceof KafkaError) return { kind: 'kafka', message: error.message, errorCode: error.errorCode }
  if (error instanceof ServiceError) return { kind: 'service', message: error.message, code: error.code }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) }
}

async function main (): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('sqlite-catalog-worker must run in a worker thread')
  const { path, options } = workerData as WorkerInput
  let catalog
  try {
    catalog = await openSqliteCatalog(path, options)
  } catch (error) {
    port.postMessage({ id: 0, error: describeError(error) } satisfies CatalogReply)
    return
  }
  port.postMessage({ id: 0, result: 'ready' } satisfies CatalogReply)
  const target = catalog as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  port.on('message', (call: CatalogCall) => {
    const method = target[call.method]
    const run = typeof method === 'function'
      ? Promise.resolve().then(() => method.apply(catalog, call.args))
      : Promise.reject(new Error(`unknown catalog method ${call.method}`))
    run.then(
      result => port.postMessage({ id: call.id, result } satisfies CatalogReply),
      (error: unknown) => port.postMessage({ id: call.id, error: describeError(error) } satisfies CatalogReply)
    ).finally(() => { if (call.method === 'close') port.close() })
  })
}

await main()
