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
import type { BrokerEndpoint, BrokerServices } from './broker/handler.ts'
import type { Catalog } from './storage/catalog.ts'
import type { ObjectStore } from './storage/object-store.ts'
import { RetentionJob } from './log/retention.ts'
import { GroupCoordinator } from './coordinators/group/group-coordinator.ts'
import { GroupOffsets } from './coordinators/group/group-offsets.ts'
import { ConsumerGroupCoordinator } from './coordinators/consumer-group/consumer-group-coordinator.ts'
import { systemScheduler } from './coordinators/group/scheduler.ts'

export interface RunningNode {
  config: SkiffConfig
  port: number
  nodeId: number
  catalog: Catalog
  objectStore: ObjectStore
  log: LogEngine
  logger: Logger
  close: () => Promise<void>
}

export interface StartOptions {
  logger?: Logger
  clock?: Clock
}

const NODE_LEASE_MS = 30_000

export async function startNode (config: SkiffConfig, options: StartOptions = {}): Promise<RunningNode> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const clock = options.clock ?? systemClock
  if (config.catalogUrl.startsWith('sqlite:') || config.objectStoreUrl.startsWith('file:')) {
    mkdirSync(config.dataDir, { recursive: true })
  }
  const { catalog, objectStore } = await openStorage({ catalogUrl: config.catalogUrl, objectStoreUrl: config.objectStoreUrl })

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

  const dispatcher = new Dispatcher(handlers)
  let self: BrokerEndpoint = { nodeId: config.nodeId, host: config.advertisedHost, port: config.port, rack: null }
  const services: BrokerServices = {
    config,
    catalog,
    log,
    topics,
    fetchSessions: new FetchSessionCache(),
    groups,
    groupOffsets,
    consumerGroups,
    clock,
    logger,
    brokers: () => [self],
    supportedApis: () => dispatcher.supportedApis()
  }
  const server = new BrokerServer({
    dispatcher,
    services,
    clusterId,
    logger,
    maxRequestBytes: config.limits.maxRequestBytes,
    maxInFlightRequests: config.limits.maxInFlightRequests
  })
  const port = await server.listen(config.port, config.host)
  const register = (nodeId: number): Promise<number> => catalog.registerNode({
    nodeId, host: config.advertisedHost, port, rack: null, leaseExpiresAtMs: clock.nowMs() + NODE_LEASE_MS
  })
  // An embedded node keeps its id across restarts, so clients' cached metadata stays valid.
  const nodeIdFile = config.catalogUrl.startsWith('sqlite:') ? join(config.dataDir, 'node-id') : undefined
  const savedNodeId = nodeIdFile !== undefined && existsSync(nodeIdFile) ? Number(readFileSync(nodeIdFile, 'utf8')) : -1
  const nodeId = await register(config.nodeId !== -1 ? config.nodeId : savedNodeId)
  if (nodeIdFile !== undefined && nodeId !== savedNodeId) writeFileSync(nodeIdFile, `${nodeId}\n`)
  self = { nodeId, host: config.advertisedHost, port, rack: null }
  const leaseTimer = setInterval(() => {
    register(nodeId).catch(error => logger.warn({ err: error }, 'node lease renewal failed'))
  }, NODE_LEASE_MS / 3)
  leaseTimer.unref()

  const retention = new RetentionJob({ catalog, objectStore, log, topics, clock, logger, clusterIds: [clusterId] })
  retention.start()
  logger.info({ nodeId, port, dataDir: config.dataDir, catalog: config.catalogUrl, objects: config.objectStoreUrl }, 'Skiff node started')

  return {
    config,
    port,
    nodeId,
    catalog,
    objectStore,
    log,
    logger,
    async close () {
      clearInterval(leaseTimer)
      retention.stop()
      await server.close()
      await consumerGroups.close()
      await groups.close()
      await log.close()
      await objectStore.close()
      await catalog.close()
    }
  }
}
