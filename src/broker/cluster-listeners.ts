// Tenant clusters' Kafka endpoints on this node: one BrokerServer per ACTIVE cluster, whose
// connections carry that cluster's id. By default each listens on the cluster's own bootstrap port;
// with a DNS domain (options.sni) none listens: one TLS port takes every cluster's connections and
// routes them by SNI host name (`boot-<short id>.<domain>`, sni-router.ts). Endpoints open on start
// and when a cluster is created (here or, seen by a periodic sync with the Catalog, on another
// node), and close when a cluster is deleted, disconnecting its clients.
import net from 'node:net'
import type tls from 'node:tls'
import { clusterHostName } from './cluster-host-names.ts'
import { SniRouter } from './sni-router.ts'
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
  /**
   * Makes the (not yet listening) server of a cluster; its Metadata must advertise `advertised`.
   * With SNI routing it never listens (the router hands it TLS sockets), so it needs no TLS of its own.
   */
  createServer: (cluster: ClusterRecord, advertised: AdvertisedAddress) => BrokerServer
  clock: Clock
  logger: Logger
  /** How often the Catalog is read for clusters created or deleted by other nodes; 0 turns it off. */
  syncIntervalMs: number
  /** Every cluster on one TLS port, routed by SNI name under `domain`; without it, a port per cluster. */
  sni?: SniSettings
}

export interface SniSettings {
  /** Cluster host names are `boot-<short id>.<domain>`. */
  domain: string
  /** The one TLS port (MSK's 9098); 0 picks a free one. */
  port: number
  /** The node's certificate (it must cover `*.<domain>`) and TLS settings. */
  tls: tls.TlsOptions
}

export interface AdvertisedAddress {
  host: string
  port: number
}

interface OpenEndpoint {
  server: BrokerServer
  port: number
  /** The SNI name it is routed by, with SNI routing. */
  hostName?: string
}

export class ClusterListeners {
  readonly #options: ClusterListenersOptions
  readonly #endpoints = new Map<string, OpenEndpoint>()
  readonly #router: SniRouter | undefined
  readonly #domain: string
  /** Per cluster, the last queued open or close: they run one after another. */
  readonly #queues = new Map<string, Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #syncing: Promise<void> | undefined
  #isStopped = false

  constructor (options: ClusterListenersOptions) {
    this.#options = options
    this.#router = options.sni === undefined ? undefined : new SniRouter({ tls: options.sni.tls, logger: options.logger })
    this.#domain = options.sni?.domain ?? ''
  }

  /** Whether every cluster is served on one port, routed by SNI name (then clusters get no port of their own). */
  get isRoutedByName (): boolean {
    return this.#router !== undefined
  }

  /** The port of SNI routing, once listening; undefined without it. */
  get sniPort (): number | undefined {
    return this.#router?.port
  }

  /** The SNI host name of a cluster; undefined without SNI routing. */
  hostNameOf (clusterId: string): string | undefined {
    return this.#router === undefined ? undefined : clusterHostName(clusterId, this.#domain)
  }

  /** Opens the endpoints of every ACTIVE cluster, then keeps in step with the Catalog. */
  async start (): Promise<void> {
    await this.#router?.listen(this.#options.sni?.port ?? 0, this.#options.host)
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
      if (cluster.state !== 'ACTIVE' || !this.#isServable(cluster) || this.#endpoints.has(cluster.clusterId)) continue
      await this.open(cluster).catch(error =>
        this.#options.logger.error({ err: error, cluster: cluster.arn, port: cluster.bootstrapPort }, 'cluster endpoint did not open'))
    }
    for (const clusterId of [...this.#endpoints.keys()]) {
      const state = byId.get(clusterId)?.state
      if (state === undefined || state === 'DELETING' || state === 'FAILED') await this.close(clusterId)
    }
  }

  /** Serves the cluster on its bootstrap port, or routes its SNI name; nothing when it is served already. */
  async open (cluster: ClusterRecord): Promise<void> {
    if (this.#router !== undefined) {
      await this.#openRouted(cluster, this.#router)
      return
    }
    const port = cluster.bootstrapPort
    if (port === undefined) throw new Error(`cluster ${cluster.clusterId} has no bootstrap port`)
    await this.#enqueue(cluster.clusterId, async () => {
      if (this.#isStopped || this.#endpoints.has(cluster.clusterId)) return
      // Before the first connection: the produce path resolves topics synchronously from the registry.
      await this.#options.topics.load(cluster.clusterId)
      const server = this.#options.createServer(cluster, { host: this.#options.advertisedHost, port })
      await server.listen(port, this.#options.host)
      this.#endpoints.set(cluster.clusterId, { server, port })
      this.#options.logger.info({ cluster: cluster.arn, clusterId: cluster.clusterId, port }, 'cluster endpoint open')
    })
  }

  async #openRouted (cluster: ClusterRecord, router: SniRouter): Promise<void> {
    await this.#enqueue(cluster.clusterId, async () => {
      if (this.#isStopped || this.#endpoints.has(cluster.clusterId)) return
      const port = router.port
      if (port === undefined) throw new Error('the SNI routing port is not listening yet')
      const hostName = clusterHostName(cluster.clusterId, this.#domain)
      await this.#options.topics.load(cluster.clusterId)
      const server = this.#options.createServer(cluster, { host: hostName, port })
      router.add(hostName, cluster.clusterId, server)
      this.#endpoints.set(cluster.clusterId, { server, port, hostName })
      this.#options.logger.info({ cluster: cluster.arn, clusterId: cluster.clusterId, hostName, port }, 'cluster endpoint open')
    })
  }

  /** Stops serving the cluster and disconnects its clients. */
  async close (clusterId: string): Promise<void> {
    await this.#enqueue(clusterId, async () => {
      const endpoint = this.#endpoints.get(clusterId)
      this.#options.topics.forget(clusterId)
      if (endpoint === undefined) return
      this.#endpoints.delete(clusterId)
      if (endpoint.hostName !== undefined) this.#router?.remove(endpoint.hostName)
      await endpoint.server.close()
      this.#options.logger.info({ clusterId, port: endpoint.port, hostName: endpoint.hostName }, 'cluster endpoint closed')
    })
  }

  /**
   * host:port of every live node (all serve the cluster on the same port); with SNI routing the
   * cluster's one name (DNS maps it to the nodes) on the routing port.
   */
  async bootstrapBrokers (cluster: ClusterRecord): Promise<string[]> {
    if (this.#router !== undefined) {
      const port = this.#router.port ?? this.#options.sni?.port
      return [`${clusterHostName(cluster.clusterId, this.#domain)}:${port}`]
    }
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
    if (this.#router !== undefined) {
      this.#router.setSecureContext(options)
      return
    }
    for (const { server } of this.#endpoints.values()) server.setSecureContext(options)
  }

  async stop (): Promise<void> {
    this.#isStopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.#syncing
    await Promise.all([...this.#queues.values()])
    await this.#router?.close()
    await Promise.all([...this.#endpoints.values()].map(({ server }) => server.close()))
    this.#endpoints.clear()
  }

  /**
   * Port per cluster: clusters with a port. SNI routing: clusters made by the control plane (with
   * an ARN), port or not; the default cluster (no ARN) has listeners of its own.
   */
  #isServable (cluster: ClusterRecord): boolean {
    return this.#router === undefined ? cluster.bootstrapPort !== undefined : cluster.arn !== undefined
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
