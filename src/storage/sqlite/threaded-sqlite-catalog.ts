// The embedded Catalog as the node uses it: the SQLite Catalog running in a worker thread, with
// every method forwarded as a message. Errors come back as the same KafkaError / ServiceError.
import { Worker } from 'node:worker_threads'
import { KafkaError, ServiceError } from '../../common/errors.ts'
import type { Catalog } from '../catalog.ts'
import type { IdentityCatalog } from '../catalog-identities.ts'
import type { SqliteCatalogOptions } from './sqlite-catalog.ts'
import type { CatalogCall, CatalogReply } from './sqlite-catalog-worker.ts'

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

const identityMethods = [
  'createAccount', 'getAccount', 'listAccounts', 'createUser', 'getUser', 'listUsers', 'deleteUser', 'createRole', 'getRole',
  'listRoles', 'deleteRole', 'createAccessKey', 'getAccessKey', 'listAccessKeys', 'updateAccessKeyStatus', 'deleteAccessKey',
  'recordAccessKeyUse', 'deleteExpiredAccessKeys', 'putInlinePolicy', 'getInlinePolicy', 'listInlinePolicies',
  'deleteInlinePolicy', 'createManagedPolicy', 'getManagedPolicy', 'listManagedPolicies', 'deleteManagedPolicy',
  'attachPolicy', 'detachPolicy', 'listAttachedPolicies', 'identityChangeCounter'
] as const satisfies ReadonlyArray<keyof IdentityCatalog>

const methods = [
  'createCluster', 'getCluster', 'listClusters', 'setClusterState', 'deleteCluster', 'getClusterTags', 'tagCluster', 'untagCluster',
  'createTopic', 'getTopic', 'getTopicById', 'listTopics', 'deleteTopic',
  'setPartitionCount', 'setTopicConfigs', 'getPartitionOffsets', 'commitAppends', 'findBatches', 'findBatchByTimestamp',
  'findMaxTimestampBatch', 'advanceLogStartOffset', 'expireBatches', 'partitionSizeBytes', 'listReferencedObjectKeys',
  'registerNode', 'listLiveNodes', 'createGroup', 'getGroup', 'listGroups', 'updateGroup', 'deleteGroup', 'commitOffsets',
  'fetchOffsets', 'deleteOffsets', 'allocateProducerId', 'bumpProducerEpoch', 'getProducerId', 'listPartitionProducers',
  'expireProducers', 'listAbortedTransactions', 'getTransaction', 'listTransactions', 'saveTransaction', 'completeTransaction',
  ...identityMethods
] as const satisfies ReadonlyArray<keyof Catalog>

function toError (error: Extract<CatalogReply, { error: unknown }>['error']): Error {
  if (error.kind === 'kafka') return new KafkaError(error.errorCode ?? -1, error.message)
  if (error.kind === 'service') return new ServiceError(error.code ?? 'STORAGE_ERROR', error.message)
  return new ServiceError('STORAGE_ERROR', error.message)
}

class ThreadedCatalogClient {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #failure: Error | undefined

  constructor (worker: Worker) {
    this.#worker = worker
    worker.on('message', (reply: CatalogReply) => {
      const pending = this.#pending.get(reply.id)
      if (pending === undefined) return
      this.#pending.delete(reply.id)
      if ('error' in reply) pending.reject(toError(reply.error))
      else pending.resolve(reply.result)
    })
    const fail = (error: Error): void => {
      this.#failure = error
      for (const pending of this.#pending.values()) pending.reject(error)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', code => fail(new ServiceError('STORAGE_CLOSED', `catalog worker exited (code ${code})`)))
  }

  call (method: string, args: unknown[]): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage({ id, method, args } satisfies CatalogCall)
    })
  }

  async close (): Promise<void> {
    if (this.#failure !== undefined) return
    await this.call('close', [])
    await this.#worker.terminate()
  }
}

/** Opens the SQLite Catalog at `path` in a worker thread; resolves once its schema is ready. */
export async function openThreadedSqliteCatalog (path: string, options: SqliteCatalogOptions = {}): Promise<Catalog> {
  // Skiff runs from TypeScript sources through tsx, whose loader a worker does not inherit on
  // Node 20: the worker starts as a small script that loads its entry through tsx's API.
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./sqlite-catalog-worker.ts', import.meta.url).href
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(tsx => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`
  const worker = new Worker(bootstrap, { eval: true, workerData: { path, options } })
  await new Promise<void>((resolve, reject) => {
    const onMessage = (reply: CatalogReply): void => {
      if (reply.id !== 0) return
      worker.off('message', onMessage)
      worker.off('error', reject)
      if ('error' in reply) {
        reject(toError(reply.error))
        void worker.terminate()
      } else resolve()
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
  })
  const client = new ThreadedCatalogClient(worker)
  const catalog: Record<string, unknown> = { close: () => client.close() }
  for (const method of methods) catalog[method] = (...args: unknown[]) => client.call(method, args)
  return catalog as unknown as Catalog
}
