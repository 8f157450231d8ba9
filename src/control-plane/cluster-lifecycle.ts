// Clusters as tenants, their life cycle as MSK Serverless has it: CreateClusterV2 stores the cluster
// CREATING with a bootstrap port of its own (none when one port serves every cluster, routed by SNI
// name), then opens its endpoint and makes it ACTIVE (within a
// second) or FAILED; DeleteCluster marks it DELETING, closes its endpoint (its clients are
// disconnected) and removes its data. Endpoints are the broker's business, behind ClusterEndpoints.
import { randomUUID } from 'node:crypto'
import type { Clock } from '../common/clock.ts'
import type { Logger } from '../common/logger.ts'
import { ServiceError } from '../common/errors.ts'
import type { Catalog, ClusterRecord, ServerlessClusterSettings } from '../storage/catalog.ts'
import { clusterArn } from '../security/iam/arn.ts'
import { ControlPlaneError } from './errors.ts'

/** What the node does for a cluster's Kafka endpoint (src/broker/cluster-listeners.ts implements it). */
export interface ClusterEndpoints {
  /** Serves the cluster on its bootstrap port (or SNI name) on this node; rejects when it cannot (e.g. the port is in use). */
  open: (cluster: ClusterRecord) => Promise<void>
  /** Stops serving the cluster on this node and disconnects its clients; nothing when it is not served. */
  close: (clusterId: string) => Promise<void>
  /** host:port of every node serving the cluster, for GetBootstrapBrokers. */
  bootstrapBrokers: (cluster: ClusterRecord) => Promise<string[]>
  /** Whether this node could listen on the port now. */
  isPortAvailable: (port: number) => Promise<boolean>
}

export interface ClusterPortRange {
  /** The first cluster gets the first free port from here (9098, as on MSK). */
  firstPort: number
  lastPort: number
}

export interface ClusterLifecycleOptions {
  catalog: Catalog
  endpoints: ClusterEndpoints
  region: string
  /** Where clusters' own ports come from; undefined when one port serves every cluster, routed by SNI name. */
  ports: ClusterPortRange | undefined
  /** Ports this node's own listeners hold (plaintext, TLS, the control plane), which no cluster may get. */
  reservedPorts: () => readonly number[]
  clock: Clock
  logger: Logger
  newUuid?: () => string
}

export interface NewCluster {
  accountId: string
  name: string
  serverless: ServerlessClusterSettings
  tags: Readonly<Record<string, string>>
}

export class ClusterLifecycle {
  readonly #options: ClusterLifecycleOptions
  readonly #background = new Set<Promise<void>>()

  constructor (options: ClusterLifecycleOptions) {
    this.#options = options
  }

  get region (): string {
    return this.#options.region
  }

  /** A fresh cluster id: the last segment of the cluster's ARN. */
  newClusterId (): string {
    return `${(this.#options.newUuid ?? randomUUID)()}-s1`
  }

  arnOf (accountId: string, name: string, clusterId: string): string {
    return clusterArn({ region: this.#options.region, accountId, clusterName: name, clusterUuid: clusterId })
  }

  /**
   * Stores the cluster CREATING on the first free port (no port with SNI routing), and opens it in
   * the background. Throws ConflictException when the account has a cluster of that name,
   * TooManyRequestsException when no port is free.
   */
  async create (clusterId: string, input: NewCluster): Promise<ClusterRecord> {
    const { catalog, clock, ports } = this.#options
    const record: ClusterRecord = {
      clusterId,
      name: input.name,
      state: 'CREATING',
      createdAtMs: clock.nowMs(),
      arn: this.arnOf(input.accountId, input.name, clusterId),
      accountId: input.accountId,
      serverless: input.serverless
    }
    const taken = new Set<number>(this.#options.reservedPorts())
    for (const cluster of await catalog.listClusters()) {
      if (cluster.bootstrapPort !== undefined) taken.add(cluster.bootstrapPort)
      if (cluster.accountId === input.accountId && cluster.name === input.name) throw this.#nameTaken(input.name)
    }
    if (ports === undefined) {
      try {
        await catalog.createCluster(record, input.tags)
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'CLUSTER_NAME_TAKEN') throw this.#nameTaken(input.name)
        throw error
      }
      this.#inBackground(this.#activate(record))
      return record
    }
    for (let port = ports.firstPort; port <= ports.lastPort; port++) {
      if (taken.has(port) || !(await this.#options.endpoints.isPortAvailable(port))) continue
      try {
        await catalog.createCluster({ ...record, bootstrapPort: port }, input.tags)
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'CLUSTER_PORT_TAKEN') continue
        if (error instanceof ServiceError && error.code === 'CLUSTER_NAME_TAKEN') throw this.#nameTaken(input.name)
        throw error
      }
      const created = { ...record, bootstrapPort: port }
      this.#inBackground(this.#activate(created))
      return created
    }
    throw new ControlPlaneError('TooManyRequestsException',
      `No free port is left for a new cluster in ${ports.firstPort}-${ports.lastPort}: delete a cluster, or widen clusterEndpoints`)
  }

  /** Marks the cluster DELETING and removes it in the background. */
  async delete (cluster: ClusterRecord): Promise<ClusterRecord> {
    const deleting = await this.#options.catalog.setClusterState(cluster.clusterId, 'DELETING')
    if (deleting === undefined) throw new ControlPlaneError('NotFoundException', `The specified cluster was not found: ${cluster.arn ?? cluster.clusterId}`, 'clusterArn')
    this.#inBackground(this.#remove(deleting))
    return deleting
  }

  /**
   * Finishes what a stopped node left half done: clusters still CREATING are opened (and made
   * ACTIVE), clusters still DELETING are removed. Both steps may safely run twice.
   */
  async resume (): Promise<void> {
    for (const cluster of await this.#options.catalog.listClusters()) {
      if (cluster.arn === undefined) continue
      if (cluster.state === 'CREATING') this.#inBackground(this.#activate(cluster))
      if (cluster.state === 'DELETING') this.#inBackground(this.#remove(cluster))
    }
  }

  /** Resolves once every creation and deletion started so far has finished. */
  async settled (): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background])
  }

  async #activate (cluster: ClusterRecord): Promise<void> {
    const { catalog, endpoints, logger } = this.#options
    try {
      await endpoints.open(cluster)
      const current = await catalog.getCluster(cluster.clusterId)
      // Deleted while its endpoint opened: the deletion closes it.
      if (current?.state !== 'CREATING') return
      await catalog.setClusterState(cluster.clusterId, 'ACTIVE')
      logger.info({ cluster: cluster.arn, port: cluster.bootstrapPort }, 'cluster ACTIVE')
    } catch (error) {
      logger.error({ err: error, cluster: cluster.arn, port: cluster.bootstrapPort }, 'cluster creation failed')
      await endpoints.close(cluster.clusterId)
      const message = error instanceof Error ? error.message : String(error)
      await catalog.setClusterState(cluster.clusterId, 'FAILED', `The cluster endpoint could not be opened: ${message}`)
    }
  }

  async #remove (cluster: ClusterRecord): Promise<void> {
    const { catalog, endpoints, logger } = this.#options
    try {
      await endpoints.close(cluster.clusterId)
      await catalog.deleteCluster(cluster.clusterId)
      logger.info({ cluster: cluster.arn }, 'cluster deleted')
    } catch (error) {
      logger.error({ err: error, cluster: cluster.arn }, 'cluster deletion failed')
      const message = error instanceof Error ? error.message : String(error)
      await catalog.setClusterState(cluster.clusterId, 'FAILED', `The cluster could not be deleted: ${message}`)
    }
  }

  #inBackground (work: Promise<void>): void {
    const tracked = work.catch(error => this.#options.logger.error({ err: error }, 'cluster life-cycle step failed'))
      .finally(() => this.#background.delete(tracked))
    this.#background.add(tracked)
  }

  #nameTaken (name: string): ControlPlaneError {
    return new ControlPlaneError('ConflictException', `A cluster named ${name} already exists in this account`, 'clusterName')
  }
}
