// The composition root: wires configuration, storage, the log engine and the Kafka listener into
// one running node, and takes them down in the reverse order.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SkiffConfig } from './config/config.ts'
import { createLogger, type Logger } from './common/logger.ts'
import { systemClock, type Clock } from './common/clock.ts'
import { openStorage } from './storage/open-storage.ts'
import { LogEngine } from './log/log-engine.ts'
import { TopicRegistry } from './broker/topic-registry.ts'
import { FetchSessionCache } from './broker/fetch-session-cache.ts'
import { Dispatcher } from './broker/dispatcher.ts'
import { BrokerServer } from './broker/server.ts'
import { handlers } from './broker/handlers/index.ts'
import type { BrokerServices, ListenerName } from './broker/handler.ts'
import type { Catalog } from './storage/catalog.ts'
import type { ObjectStore } from './storage/object-store.ts'
import { RetentionJob } from './log/retention.ts'
import { GroupCoordinator } from './coordinators/group/group-coordinator.ts'
import { TransactionCoordinator } from './coordinators/transaction/transaction-coordinator.ts'
import { Authorizer } from './security/authorizer.ts'
import type { IdentityDirectory } from './security/identity.ts'
import { GroupOffsets } from './coordinators/group/group-offsets.ts'
import { ConsumerGroupCoordinator } from './coordinators/consumer-group/consumer-group-coordinator.ts'
import { systemScheduler } from './coordinators/group/scheduler.ts'
import type { TlsMaterial } from './security/tls/tls-material.ts'
import { tlsServerOptions } from './security/tls/server-options.ts'
import { bootstrapIdentities, type Identities } from './security/bootstrap-identities.ts'
import { ClusterListeners } from './broker/cluster-listeners.ts'
import { ClusterLifecycle } from './control-plane/cluster-lifecycle.ts'
import { parseClusterArn } from './security/iam/arn.ts'

export interface RunningNode {
  config: SkiffConfig
  /** The port registered for this node: the plaintext listener's, or the TLS one's when plaintext is off. */
  port: number
  /** The bound port of each listener that runs. */
  ports: Partial<Record<ListenerName, number>>
  /** What the TLS listener serves; `caPem` is the certificate clients trust (ssl.ca.location). */
  tls: TlsMaterial | undefined
  nodeId: number
  catalog: Catalog
  /** Users, keys and policies (IdentityStore) and the IdentityDirectory SASL and the control plane check against. */
  identities: Identities
  objectStore: ObjectStore
  log: LogEngine
  logger: Logger
  /** The control plane's bound port (the AWS Kafka REST API), when it runs. */
  controlPlanePort: number | undefined
  /** Tenant clusters' life cycle (what CreateClusterV2 and DeleteCluster start). */
  clusters: ClusterLifecycle
  /** Tenant clusters' Kafka endpoints on this node. */
  clusterListeners: ClusterListeners
  close: () => Promise<void>
}

export interface StartOptions {
  logger?: Logger
  clock?: Clock
  /** Where SASL listeners and the control plane look access keys and policies up (default: the Catalog's identities). */
  identities?: IdentityDirectory
  /** The account the deployment's default cluster belongs to, in its ARN. */
  accountId?: string
}

const NODE_LEASE_MS = 30_000
/** How often a long-running node checks whether its generated certificate is due for re-issue. */
const CERTIFICATE_CHECK_MS = 12 * 60 * 60 * 1000

/** The names a generated node certificate is valid for: what clients may put in their bootstrap string. */
function certificateNames (config: SkiffConfig): string[] {
  const names = [config.advertisedHost, 'localhost', '127.0.0.1', '::1']
  if (config.host !== '0.0.0.0' && config.host !== '::') names.push(config.host)
  // SNI routing: every cluster's boot-<id>.<domain> name.
  if (config.clusterEndpoints.domain !== '') names.push(`*.${config.clusterEndpoints.domain}`)
  return [...names, ...config.tls.extraNames]
}

async function loadNodeTls (config: SkiffConfig, now: Date): Promise<TlsMaterial> {
  const given = config.tls.certFile !== ''
  // Loaded only with TLS on: the X.509 library is heap the Kafka path would otherwise carry.
  const { loadTlsMaterial } = await import('./security/tls/tls-material.ts')
  return await loadTlsMaterial({
    dataDir: config.dataDir,
    names: certificateNames(config),
    certFile: given ? config.tls.certFile : undefined,
    keyFile: given ? config.tls.keyFile : undefined,
    caFile: config.tls.caFile !== '' ? config.tls.caFile : undefined,
    now
  })
}

export async function startNode (config: SkiffConfig, options: StartOptions = {}): Promise<RunningNode> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const clock = options.clock ?? systemClock
  if (config.catalogUrl.startsWith('sqlite:') || config.objectStoreUrl.startsWith('file:') || config.tls.enabled) {
    mkdirSync(config.dataDir, { recursive: true })
  }
  // Before storage opens: a bad certificate file should stop the node before it touches any data.
  let tls = config.tls.enabled ? await loadNodeTls(config, new Date(clock.nowMs())) : undefined
  if (tls !== undefined) {
    logger.info({
      source: tls.source,
      caCreated: tls.caCreated,
      certificateIssuedBecause: tls.nodeCertificateIssuedBecause,
      certificateExpires: tls.notAfter.toISOString()
    }, 'TLS certificate ready')
  }
  const { catalog, objectStore } = await openStorage({ catalogUrl: config.catalogUrl, objectStoreUrl: config.objectStoreUrl })
  const identities = await bootstrapIdentities(catalog, config.dataDir, { region: config.region, logger: logger.child({ component: 'identities' }), clock })

  const { clusterId, name } = config.defaultCluster
  if (await catalog.getCluster(clusterId) === undefined) {
    await catalog.createCluster({ clusterId, name, state: 'ACTIVE', createdAtMs: clock.nowMs() })
  }
  const topics = new TopicRegistry(catalog)
  await topics.load(clusterId)

  const log = new LogEngine({
    catalog,
    objectStore,
    flushBytes: config.flush.bytes,
    flushMs: config.flush.ms,
    maxPendingBytes: config.flush.maxPendingBytes,
    tailCacheBytes: config.tailCacheBytes,
    onFlushError: (error, batchCount) => logger.error({ err: error, batchCount }, 'flush failed; its producers get an error')
  })

  const groups = new GroupCoordinator({
    catalog,
    clock,
    scheduler: systemScheduler,
    logger: logger.child({ component: 'groups' }),
    settings: { ...config.groups, consumerGroupsPerCluster: config.limits.consumerGroupsPerCluster }
  })
  const groupOffsets = new GroupOffsets({ coordinator: groups, catalog, topics, logger: logger.child({ component: 'groups' }) })
  const consumerGroups = new ConsumerGroupCoordinator({
    catalog,
    clock,
    scheduler: systemScheduler,
    logger: logger.child({ component: 'consumer-groups' }),
    topics,
    classicGroups: groups,
    settings: {
      sessionTimeoutMs: config.groups.consumerSessionTimeoutMs,
      heartbeatIntervalMs: config.groups.consumerHeartbeatIntervalMs,
      maxSize: config.groups.maxSize,
      consumerGroupsPerCluster: config.limits.consumerGroupsPerCluster
    }
  })
  groups.start()
  const transactions = new TransactionCoordinator({
    catalog, markers: log, clock, logger: logger.child({ component: 'transactions' }), settings: config.transactions
  })
  await transactions.start()

  const authorizer = new Authorizer({ identities: options.identities ?? identities.directory, logger: logger.child({ component: 'iam' }) })
  await authorizer.start()
  const accountId = options.accountId ?? identities.accountId
  const clusterNames = new Map([[clusterId, name]])

  const dispatcher = new Dispatcher(handlers)
  const ports: Partial<Record<ListenerName, number>> = {}
  const primaryListener: ListenerName = config.plaintext ? 'plaintext' : 'tls'
  let nodeId = config.nodeId
  const services: BrokerServices = {
    config,
    catalog,
    log,
    topics,
    fetchSessions: new FetchSessionCache(),
    groups,
    groupOffsets,
    transactions,
    consumerGroups,
    clock,
    logger,
    authorizer,
    clusterArn: id => ({ region: config.region, accountId, clusterName: clusterNames.get(id) ?? id, clusterUuid: id }),
    brokers: (listener = primaryListener) => [{ nodeId, host: config.advertisedHost, port: ports[listener] ?? ports[primaryListener]!, rack: null }],
    supportedApis: () => dispatcher.supportedApis()
  }
  const serverOptions = {
    dispatcher,
    services,
    clusterId,
    logger,
    maxRequestBytes: config.limits.maxRequestBytes,
    maxInFlightRequests: config.limits.maxInFlightRequests
  }
  const servers: BrokerServer[] = []
  let tlsServer: BrokerServer | undefined
  if (config.plaintext) {
    const server = new BrokerServer({ ...serverOptions, listener: 'plaintext', requiresSasl: false })
    servers.push(server)
    ports.plaintext = await server.listen(config.port, config.host)
  }
  if (tls !== undefined && config.tls.listener) {
    tlsServer = new BrokerServer({
      ...serverOptions, listener: 'tls', requiresSasl: config.tls.requireSasl, tls: tlsServerOptions(tls, config.tls.handshakeTimeoutMs)
    })
    servers.push(tlsServer)
    ports.tls = await tlsServer.listen(config.tls.port, config.host)
  }
  // Without a listener of its own (only tenant clusters), the node registers port 0.
  const port = ports[primaryListener] ?? 0

  // Tenant clusters: a server per cluster with the cluster's id, TLS when the node has TLS material;
  // its Metadata advertises the cluster's port (or SNI name), whatever listener the default cluster uses.
  const sni = tls !== undefined && config.clusterEndpoints.domain !== ''
    ? { domain: config.clusterEndpoints.domain, port: config.clusterEndpoints.sniPort, tls: tlsServerOptions(tls, config.tls.handshakeTimeoutMs) }
    : undefined
  const clusterListeners = new ClusterListeners({
    catalog,
    topics,
    host: config.host,
    advertisedHost: config.advertisedHost,
    clock,
    logger: logger.child({ component: 'cluster-endpoints' }),
    syncIntervalMs: config.clusterEndpoints.syncIntervalMs,
    sni,
    createServer: (cluster, advertised) => new BrokerServer({
      ...serverOptions,
      clusterId: cluster.clusterId,
      listener: tls === undefined ? 'plaintext' : 'tls',
      // An IAM cluster: SASL with MSK IAM always (tls.requireSasl is off only in tests of TLS itself).
      requiresSasl: config.tls.requireSasl,
      services: {
        ...services,
        brokers: () => [{ nodeId, host: advertised.host, port: advertised.port, rack: null }],
        clusterArn: id => (cluster.arn === undefined ? undefined : parseClusterArn(cluster.arn)) ?? services.clusterArn(id)
      },
      // With SNI routing the router does TLS and hands the server its sockets.
      ...(tls === undefined || sni !== undefined ? {} : { tls: tlsServerOptions(tls, config.tls.handshakeTimeoutMs) })
    })
  })
  let controlPlanePort: number | undefined
  const clusters = new ClusterLifecycle({
    catalog,
    endpoints: clusterListeners,
    region: config.region,
    ports: sni === undefined ? config.clusterEndpoints : undefined,
    reservedPorts: () => [...Object.values(ports), ...(controlPlanePort === undefined ? [] : [controlPlanePort])],
    clock,
    logger: logger.child({ component: 'clusters' })
  })
  // Loaded only when served: the HTTP framework is heap the Kafka path would otherwise carry.
  const controlPlane = config.controlPlane.enabled
    ? (await import('./control-plane/server.ts')).buildControlPlane({
        catalog,
        clusters,
        endpoints: clusterListeners,
        authorizer,
        region: config.region,
        clock,
        logger,
        query: { store: identities.store, authorizer, logger: logger.child({ component: 'iam-api' }), region: config.region, clock }
      })
    : undefined
  const register = (nodeId: number): Promise<number> => catalog.registerNode({
    nodeId, host: config.advertisedHost, port, rack: null, leaseExpiresAtMs: clock.nowMs() + NODE_LEASE_MS
  })
  // An embedded node keeps its id across restarts, so clients' cached metadata stays valid.
  const nodeIdFile = config.catalogUrl.startsWith('sqlite:') ? join(config.dataDir, 'node-id') : undefined
  const savedNodeId = nodeIdFile !== undefined && existsSync(nodeIdFile) ? Number(readFileSync(nodeIdFile, 'utf8')) : -1
  nodeId = await register(config.nodeId !== -1 ? config.nodeId : savedNodeId)
  if (nodeIdFile !== undefined && nodeId !== savedNodeId) writeFileSync(nodeIdFile, `${nodeId}\n`)
  await clusterListeners.start()
  await clusters.resume()
  if (controlPlane !== undefined) {
    await controlPlane.listen({ port: config.controlPlane.port, host: config.controlPlane.host })
    const address = controlPlane.server.address()
    controlPlanePort = typeof address === 'object' && address !== null ? address.port : config.controlPlane.port
    logger.info({ host: config.controlPlane.host, port: controlPlanePort, region: config.region }, 'control plane ready')
  }
  const leaseTimer = setInterval(() => {
    register(nodeId).catch(error => logger.warn({ err: error }, 'node lease renewal failed'))
  }, NODE_LEASE_MS / 3)
  leaseTimer.unref()

  // A generated certificate is re-issued before it expires, without a restart: new handshakes get it.
  const certificateTimer = setInterval(() => {
    if (tlsServer === undefined || tls?.source !== 'generated') return
    loadNodeTls(config, new Date(clock.nowMs())).then(renewed => {
      if (renewed.nodeCertificateIssuedBecause === undefined) return
      tlsServer.setSecureContext(tlsServerOptions(renewed, config.tls.handshakeTimeoutMs))
      clusterListeners.setSecureContext(tlsServerOptions(renewed, config.tls.handshakeTimeoutMs))
      tls = renewed
      logger.info({ reason: renewed.nodeCertificateIssuedBecause, certificateExpires: renewed.notAfter.toISOString() }, 'TLS certificate re-issued')
    }, error => logger.error({ err: error }, 'TLS certificate check failed; the current certificate stays in use'))
  }, CERTIFICATE_CHECK_MS)
  certificateTimer.unref()

  const retention = new RetentionJob({ catalog, objectStore, log, topics, clock, logger, clusterIds: () => [clusterId, ...clusterListeners.clusterIds()] })
  retention.start()
  logger.info({ nodeId, ports, dataDir: config.dataDir, catalog: config.catalogUrl, objects: config.objectStoreUrl }, 'Skiff node started')

  return {
    config,
    port,
    ports,
    get tls () { return tls },
    nodeId,
    catalog,
    identities,
    objectStore,
    log,
    logger,
    controlPlanePort,
    clusters,
    clusterListeners,
    async close () {
      clearInterval(leaseTimer)
      clearInterval(certificateTimer)
      retention.stop()
      authorizer.stop()
      await controlPlane?.close()
      await clusters.settled()
      await clusterListeners.stop()
      await Promise.all(servers.map(server => server.close()))
      await consumerGroups.close()
      await groups.close()
      transactions.close()
      await log.close()
      await objectStore.close()
      await catalog.close()
    }
  }
}
