// Tenant clusters' Kafka endpoints on this node: one BrokerServer per ACTIVE cluster on the
// cluster's own bootstrap port, whose connections carry that cluster's id. Endpoints open on start
// and when a cluster is created (here or, seen by a periodic sync with the Catalog, on another
// node), and close when a cluster is deleted, disconnecting its clients.
import net from 'node:net'
import type tls from 'node:tls'
import type { Clock } from '../common/clock.ts'
import type { Logger } from '../common/logger.ts'
import type { Catalog, ClusterRecord } from '../storage/catalog.ts'
import type { BrokerServer } from './server.ts'
import type { TopicRegistry } from './topic-registry.ts'

export interface ClusterListenersOptions {
  catalog: Catalog
  topics: TopicRegistry
  /** Interface the endpoints bind to. */
  host: string
  /** Host name of this node in bootstrap strings when the Catalog lists no live node. */
  advertisedHost: string
  /** Makes the (not yet listening) server of a cluster; its Metadata must advertise `port`. */
  createServer: (cluster: ClusterRecord, port: number) => BrokerServer
  clock: Clock
  logger: Logger
  /** How often the Catalog is read for clusters created or deleted by other nodes; 0 turns it off. */
  syncIntervalMs: number
}

interface OpenEndpoint {
  server: BrokerServer
  port: number
}

export class ClusterListeners {
  readonly #options: ClusterListenersOptions
  readonly #endpoints = new Map<string, OpenEndpoint>()
  /** Per cluster, the last queued open or close: they run one after another. */
  readonly #queues = new Map<string, Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #syncing: Promise<void> | undefined
  #isStopped = false

  constructor (options: ClusterListenersOptions) {
    this.#options = options
  }

  /** Opens the endpoints of every ACTIVE cluster, then keeps in step with the Catalog. */
  async start (): Promise<void> {
    await this.sync()
    if (this.#options.syncIntervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#syncing !== undefined) return
        this.#syncing = this.sync()
          .catch(error => this.#options.logger.warn({ err: error }, 'cluster endpoint sync failed'))
          .finally(() => { this.#syncing = undefined })
      }, this.#options.syncIntervalMs)
      this.#timer.unref()
    }
  }

  /** Opens what ACTIVE clusters lack an endpoint, closes those of clusters deleting, failed or gone. */
  async sync (): Promise<void> {
    const clusters = await this.#options.catalog.listClusters()
    const byId = new Map(clusters.map(cluster => [cluster.clusterId, cluster]))
    for (const cluster of clusters) {
      if (cluster.state !== 'ACTIVE' || cluster.bootstrapPort === undefined || this.#endpoints.has(cluster.clusterId)) continue
      await this.open(cluster).catch(error =>
        this.#options.logger.error({ err: error, cluster: cluster.arn, port: cluster.bootstrapPort }, 'cluster endpoint did not open'))
    }
    for (const clusterId of [...this.#endpoints.keys()]) {
      const state = byId.get(clusterId)?.state
      if (state === undefined || state === 'DELETING' || state === 'FAILED') await this.close(clusterId)
    }
  }

  /** Serves the cluster on its bootstrap port; nothing when it is served already. */
  async open (cluster: ClusterRecord): Promise<void> {
    const port = cluster.bootstrapPort
    if (port === undefined) throw new Error(`cluster ${cluster.clusterId} has no bootstrap port`)
    await this.#enqueue(cluster.clusterId, async () => {
      if (this.#isStopped || this.#endpoints.has(cluster.clusterId)) return
      // Before the first connection: the produce path resolves topics synchronously from the registry.
      await this.#options.topics.load(cluster.clusterId)
      const server = this.#options.createServer(cluster, port)
      await server.listen(port, this.#options.host)
      this.#endpoints.set(cluster.clusterId, { server, port })
      this.#options.logger.info({ cluster: cluster.arn, clusterId: cluster.clusterId, port }, 'cluster endpoint open')
    })
  }

  /** Stops serving the cluster and disconnects its clients. */
  async close (clusterId: string): Promise<void> {
    await this.#enqueue(clusterId, async () => {
      const endpoint = this.#endpoints.get(clusterId)
      this.#options.topics.forget(clusterId)
      if (endpoint === undefined) return
      this.#endpoints.delete(clusterId)
      await endpoint.server.close()
      this.#options.logger.info({ clusterId, port: endpoint.port }, 'cluster endpoint closed')
    })
  }

  /** host:port of every live node (all serve the cluster on the same port). */
  async bootstrapBrokers (cluster: ClusterRecord): Promise<string[]> {
    const port = cluster.bootstrapPort
    if (port === undefined) return []
    const hosts = new Set((await this.#options.catalog.listLiveNodes(this.#options.clock.nowMs())).map(node => node.host))
    if (hosts.size === 0) hosts.add(this.#options.advertisedHost)
    return [...hosts].map(host => `${host.includes(':') ? `[${host}]` : host}:${port}`)
  }

  /** Whether a listener could bind the port on this node's interface now. */
  async isPortAvailable (port: number): Promise<boolean> {
    return await new Promise(resolve => {
      const probe = net.createServer()
      probe.once('error', () => resolve(false))
      probe.listen(port, this.#options.host, () => probe.close(() => resolve(true)))
    })
  }

  /** The port this node serves the cluster on, when it does. */
  portOf (clusterId: string): number | undefined {
    return this.#endpoints.get(clusterId)?.port
  }

  /** The clusters this node serves. */
  clusterIds (): string[] {
    return [...this.#endpoints.keys()]
  }

  /** A renewed certificate for new connections on every TLS endpoint. */
  setSecureContext (options: tls.SecureContextOptions): void {
    for (const { server } of this.#endpoints.values()) server.setSecureContext(options)
  }

  async stop (): Promise<void> {
    this.#isStopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.#syncing
    await Promise.all([...this.#queues.values()])
    await Promise.all([...this.#endpoints.values()].map(({ server }) => server.close()))
    this.#endpoints.clear()
  }

  async #enqueue (clusterId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(clusterId) ?? Promise.resolve()
    const result = previous.then(work)
    const settled = result.catch(() => undefined)
    this.#queues.set(clusterId, settled)
    try {
      await result
    } finally {
      if (this.#queues.get(clusterId) === settled) this.#queues.delete(clusterId)
    }
  }
}
