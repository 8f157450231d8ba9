// One typed configuration with defaults; flags, environment and an optional JSON file are merged
// here and nowhere else. Limits default to the MSK Serverless guide's table (DESIGN.md).
import { clusterDomainProblem, tlsNameProblem } from '../security/tls/tls-names.ts'

export interface SkiffConfig {
  nodeId: number
  /** Interface the Kafka listeners bind to. */
  host: string
  /** Whether the plaintext Kafka listener (no TLS, no SASL) runs. */
  plaintext: boolean
  /** Port of the plaintext listener. */
  port: number
  /** The TLS Kafka listener (MSK's IAM listener is TLS on 9098). */
  tls: {
    enabled: boolean
    port: number
    /** PEM certificate (chain) and key the operator brings; '' for both: Skiff's own CA issues one. */
    certFile: string
    keyFile: string
    /** PEM of the CA that signed certFile ('' if none given): checked at start, and what clients are told to trust. */
    caFile: string
    /** Names added to the generated certificate's SANs besides the advertised host, localhost, 127.0.0.1 and ::1. */
    extraNames: string[]
    /** A TLS handshake not finished by then is dropped, so half-open sockets do not pile up. */
    handshakeTimeoutMs: number
    /**
     * Whether the default cluster gets its own TLS listener on `port` (tenant clusters always get
     * theirs); `skiff up` turns it on only with --tls-port, so the first tenant cluster gets 9098.
     */
    listener: boolean
    /**
     * Whether clients must authenticate with SASL (OAUTHBEARER with an MSK IAM token, or AWS_MSK_IAM)
     * before anything but ApiVersions, as on MSK's IAM listener. Off only to test TLS by itself.
     */
    requireSasl: boolean
  }
  /** The AWS region the deployment presents itself as: in ARNs, and what signed tokens must name. */
  region: string
  /** SASL sessions (KIP-368): how long one lasts at most; clients re-authenticate before it ends. */
  sasl: {
    maxSessionLifetimeMs: number
  }
  /** Host name advertised to clients in Metadata; defaults to `host`. */
  advertisedHost: string
  dataDir: string
  catalogUrl: string
  objectStoreUrl: string
  logLevel: string
  flush: {
    bytes: number
    ms: number
    maxPendingBytes: number
  }
  tailCacheBytes: number
  /**
   * Least room the V8 heap gets above its live size before a full garbage collection (0: V8's own
   * sizing). Record batches count against it, so too little means a full GC every few MB produced.
   */
  heapHeadroomBytes: number
  limits: {
    /** Largest request frame accepted (MSK: 100 MiB request size). */
    maxRequestBytes: number
    /** Largest record batch (max.message.bytes cap, 8 MiB). */
    maxMessageBytes: number
    partitionsPerCluster: number
    /**
     * Partitions of a topic created with numPartitions -1 (the broker's num.partitions). MSK
     * Serverless documents no default; 1 is Kafka's and MSK provisioned's.
     */
    defaultPartitions: number
    /** Cap on retention.ms (24 h unless the operator raises it). */
    maxRetentionMs: number
    /**
     * Largest fetch response, Kafka's broker `fetch.max.bytes` (a first batch larger than this still
     * goes out whole, KIP-74). MSK lets a request ask for up to 55 MB; a node builds each response
     * in memory, so it answers at most 8 MiB. librdkafka consumers of many partitions also read
     * faster so: a 50 MB answer overruns their fetch queue, and they then pause fetching for 1 s.
     */
    maxFetchBytes: number
    /** Requests a connection may have in flight before its socket stops being read. */
    maxInFlightRequests: number
    /**
     * Consumer groups a cluster may hold (groups with members or committed offsets). 5 as in the
     * MSK Serverless guide's table; AWS's current quota is 500, so raise it per deployment.
     */
    consumerGroupsPerCluster: number
  }
  /** Classic consumer group coordination, with Kafka's broker settings as defaults. */
  groups: {
    /** group.min.session.timeout.ms / group.max.session.timeout.ms: JoinGroup outside answers INVALID_SESSION_TIMEOUT. */
    minSessionTimeoutMs: number
    maxSessionTimeoutMs: number
    /** group.initial.rebalance.delay.ms: how long an empty group waits for more members before its first generation. */
    initialRebalanceDelayMs: number
    /** How long a new member's parked JoinGroup may wait before the member is dropped (Kafka: 5 min). */
    newMemberJoinTimeoutMs: number
    /** group.max.size: members per group (GROUP_MAX_SIZE_REACHED beyond). */
    maxSize: number
    /** offset.metadata.max.bytes: longer commit metadata answers OFFSET_METADATA_TOO_LARGE. */
    offsetMetadataMaxBytes: number
    /** Largest protocol metadata (JoinGroup) or assignment (SyncGroup) of one member; larger answers MESSAGE_TOO_LARGE. */
    maxMemberMetadataBytes: number
    /**
     * offsets.retention.check.interval.ms: how often groups without members and without committed
     * offsets are looked for; one found twice in a row is deleted, freeing its place under the limit.
     */
    emptyGroupCheckIntervalMs: number
    /** group.consumer.session.timeout.ms: a consumer-protocol (KIP-848) member without a heartbeat for this long is removed. */
    consumerSessionTimeoutMs: number
    /** group.consumer.heartbeat.interval.ms: how often consumer-protocol members are told to heartbeat. */
    consumerHeartbeatIntervalMs: number
  }
  /** Transaction coordination, with Kafka's broker settings as defaults. */
  transactions: {
    /** transaction.max.timeout.ms: InitProducerId asking for more answers INVALID_TRANSACTION_TIMEOUT. */
    maxTimeoutMs: number
    /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often expired transactions are looked for and aborted. */
    abortCheckIntervalMs: number
  }
  /** The cluster served on the plaintext listener until tenant clusters arrive. */
  defaultCluster: { clusterId: string, name: string }
  /** The AWS Kafka REST API (CreateClusterV2 ...), plain HTTP. */
  controlPlane: {
    enabled: boolean
    /** Interface it binds to; '' for `host`. */
    host: string
    port: number
  }
  /** Tenant clusters' Kafka endpoints: a TLS port per cluster on every node, or one port routed by SNI name. */
  clusterEndpoints: {
    /** The first cluster gets the first free port from here (MSK's 9098), the next ones the next free ports up to lastPort. */
    firstPort: number
    lastPort: number
    /** How often a node reads the Catalog for clusters created or deleted through another node. */
    syncIntervalMs: number
    /**
     * A DNS domain ('' for none): then every cluster is served on `sniPort`, by the TLS SNI name
     * `boot-<short id>.<domain>` (as MSK's `boot-xxxx.c1.kafka-serverless...`), which needs a wildcard
     * DNS record for `*.<domain>` pointing at the nodes; the generated certificate covers `*.<domain>`.
     */
    domain: string
    /** The one TLS port of SNI routing (MSK's 9098). */
    sniPort: number
  }
}

const MiB = 1024 * 1024

export function defaultConfig (): SkiffConfig {
  return {
    nodeId: -1,
    host: '127.0.0.1',
    plaintext: true,
    port: 9092,
    tls: {
      enabled: true,
      port: 9098,
      certFile: '',
      keyFile: '',
      caFile: '',
      extraNames: [],
      handshakeTimeoutMs: 10_000,
      listener: true,
      requireSasl: true
    },
    region: 'us-east-1',
    sasl: { maxSessionLifetimeMs: 60 * 60 * 1000 },
    advertisedHost: '',
    dataDir: '.skiff',
    catalogUrl: '',
    objectStoreUrl: '',
    logLevel: 'info',
    flush: { bytes: 8 * MiB, ms: 0, maxPendingBytes: 64 * MiB },
    tailCacheBytes: 256 * MiB,
    heapHeadroomBytes: 64 * MiB,
    limits: {
      maxRequestBytes: 100 * MiB,
      maxMessageBytes: 8 * MiB,
      partitionsPerCluster: 120,
      defaultPartitions: 1,
      maxRetentionMs: 24 * 60 * 60 * 1000,
      maxFetchBytes: 8 * MiB,
      maxInFlightRequests: 32,
      consumerGroupsPerCluster: 5
    },
    groups: {
      minSessionTimeoutMs: 6000,
      maxSessionTimeoutMs: 1_800_000,
      initialRebalanceDelayMs: 3000,
      newMemberJoinTimeoutMs: 5 * 60 * 1000,
      maxSize: 2_147_483_647,
      offsetMetadataMaxBytes: 4096,
      maxMemberMetadataBytes: 1 * MiB,
      emptyGroupCheckIntervalMs: 600_000,
      consumerSessionTimeoutMs: 45_000,
      consumerHeartbeatIntervalMs: 5000
    },
    transactions: { maxTimeoutMs: 900_000, abortCheckIntervalMs: 10_000 },
    defaultCluster: { clusterId: 'skiff-default-cluster', name: 'default' },
    controlPlane: { enabled: true, host: '', port: 9099 },
    clusterEndpoints: { firstPort: 9098, lastPort: 9197, syncIntervalMs: 2000, domain: '', sniPort: 9098 }
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] }
export type SkiffConfigInput = DeepPartial<SkiffConfig>

function merge<T extends object> (base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue
    const current = result[key]
    const isRecord = (item: unknown): item is object => typeof item === 'object' && item !== null && !Array.isArray(item)
    result[key] = isRecord(value) && isRecord(current)
      ? merge(current, value as DeepPartial<object>)
      : value
  }
  return result as T
}

function fromEnvironment (env: NodeJS.ProcessEnv): SkiffConfigInput {
  const number = (name: string): number | undefined => {
    const text = env[name]
    return text === undefined || text === '' ? undefined : Number(text)
  }
  const list = (name: string): string[] | undefined => {
    const text = env[name]
    return text === undefined || text === '' ? undefined : text.split(',').map(item => item.trim()).filter(item => item !== '')
  }
  return {
    host: env.SKIFF_HOST,
    port: number('SKIFF_PORT'),
    tls: {
      port: number('SKIFF_TLS_PORT'),
      certFile: env.SKIFF_TLS_CERT,
      keyFile: env.SKIFF_TLS_KEY,
      caFile: env.SKIFF_TLS_CA,
      extraNames: list('SKIFF_TLS_NAMES')
    },
    region: env.SKIFF_REGION,
    advertisedHost: env.SKIFF_ADVERTISED_HOST,
    dataDir: env.SKIFF_DATA_DIR,
    catalogUrl: env.SKIFF_CATALOG_URL,
    objectStoreUrl: env.SKIFF_OBJECT_STORE_URL,
    logLevel: env.SKIFF_LOG_LEVEL,
    flush: { ms: number('SKIFF_FLUSH_MS'), bytes: number('SKIFF_FLUSH_BYTES') },
    heapHeadroomBytes: number('SKIFF_HEAP_HEADROOM_BYTES'),
    limits: { consumerGroupsPerCluster: number('SKIFF_CONSUMER_GROUPS_PER_CLUSTER') },
    transactions: { abortCheckIntervalMs: number('SKIFF_TRANSACTION_ABORT_CHECK_INTERVAL_MS') },
    controlPlane: { host: env.SKIFF_API_HOST, port: number('SKIFF_API_PORT') },
    clusterEndpoints: {
      firstPort: number('SKIFF_CLUSTER_FIRST_PORT'),
      lastPort: number('SKIFF_CLUSTER_LAST_PORT'),
      domain: env.SKIFF_CLUSTER_DOMAIN,
      sniPort: number('SKIFF_CLUSTER_SNI_PORT')
    }
  }
}

/** Defaults, then the environment, then explicit input (flags or a file); validated. */
export function loadConfig (input: SkiffConfigInput = {}, env: NodeJS.ProcessEnv = process.env): SkiffConfig {
  const config = merge(merge(defaultConfig(), fromEnvironment(env)), input)
  if (config.advertisedHost === '') config.advertisedHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  if (config.catalogUrl === '') config.catalogUrl = `sqlite:${config.dataDir}/catalog.db`
  if (config.objectStoreUrl === '') config.objectStoreUrl = `file:${config.dataDir}/objects`
  if (config.controlPlane.host === '') config.controlPlane.host = config.host
  validate(config)
  return config
}

/** What stands in the way of routing clusters by SNI name under clusterEndpoints.domain. */
function sniProblems (config: SkiffConfig): string[] {
  const { domain, sniPort } = config.clusterEndpoints
  const problems: string[] = []
  const problem = clusterDomainProblem(domain)
  if (problem !== undefined) problems.push(`clusterEndpoints.domain (--cluster-domain): ${problem}`)
  if (!config.tls.enabled) problems.push('clusterEndpoints.domain routes clusters by TLS SNI name: it needs TLS (drop --no-tls)')
  if (!(Number.isInteger(sniPort) && sniPort >= 0 && sniPort <= 65535)) problems.push(`clusterEndpoints.sniPort ${sniPort} is not a TCP port`)
  if (sniPort === 0) return problems
  const others: Array<[string, boolean, number]> = [
    ['the plaintext listener', config.plaintext, config.port],
    ['the default cluster\'s TLS listener (tls.port)', config.tls.enabled && config.tls.listener, config.tls.port],
    ['the control plane', config.controlPlane.enabled, config.controlPlane.port]
  ]
  for (const [name, isOn, port] of others) {
    if (isOn && port === sniPort) problems.push(`clusterEndpoints.sniPort ${sniPort} is also the port of ${name}`)
  }
  return problems
}

function validate (config: SkiffConfig): void {
  const problems: string[] = []
  const isPort = (port: number): boolean => Number.isInteger(port) && port >= 0 && port <= 65535
  if (!isPort(config.port)) problems.push(`port ${config.port} is not a TCP port`)
  if (!config.plaintext && !config.tls.enabled) problems.push('no Kafka listener: both the plaintext and the TLS listener are off')
  if (config.tls.enabled) {
    const { tls } = config
    if (!isPort(tls.port)) problems.push(`tls.port ${tls.port} is not a TCP port`)
    if (config.plaintext && tls.port !== 0 && tls.port === config.port) problems.push(`the plaintext and TLS listeners both want port ${tls.port}`)
    if ((tls.certFile === '') !== (tls.keyFile === '')) problems.push('tls.certFile and tls.keyFile (--tls-cert, --tls-key) go together: give both or neither')
    if (tls.caFile !== '' && tls.certFile === '') problems.push('tls.caFile (--tls-ca) is the CA of a given --tls-cert; without one Skiff uses its own CA')
    for (const name of tls.extraNames) {
      const problem = tlsNameProblem(name)
      if (problem !== undefined) problems.push(`tls.extraNames: ${problem}`)
    }
    if (!(tls.handshakeTimeoutMs > 0)) problems.push('tls.handshakeTimeoutMs must be > 0')
  }
  if (config.controlPlane.enabled && !isPort(config.controlPlane.port)) problems.push(`controlPlane.port ${config.controlPlane.port} is not a TCP port`)
  const { firstPort, lastPort } = config.clusterEndpoints
  if (!isPort(firstPort) || firstPort === 0 || !isPort(lastPort) || lastPort < firstPort) {
    problems.push(`clusterEndpoints: ${firstPort}-${lastPort} is not a range of TCP ports (1-65535, first <= last)`)
  }
  if (!(config.clusterEndpoints.syncIntervalMs >= 0)) problems.push('clusterEndpoints.syncIntervalMs must be >= 0')
  if (config.clusterEndpoints.domain !== '') problems.push(...sniProblems(config))
  if (!(config.flush.ms >= 0)) problems.push('flush.ms must be >= 0')
  if (!(config.flush.bytes > 0)) problems.push('flush.bytes must be > 0')
  if (!(config.heapHeadroomBytes >= 0)) problems.push('heapHeadroomBytes must be >= 0')
  if (config.limits.maxMessageBytes > config.limits.maxRequestBytes) problems.push('maxMessageBytes exceeds maxRequestBytes')
  if (!Number.isInteger(config.limits.defaultPartitions) || config.limits.defaultPartitions < 1) problems.push('defaultPartitions must be an integer >= 1')
  if (!Number.isInteger(config.limits.consumerGroupsPerCluster) || config.limits.consumerGroupsPerCluster < 0) {
    problems.push('consumerGroupsPerCluster must be an integer >= 0')
  }
  if (!(config.groups.minSessionTimeoutMs > 0 && config.groups.minSessionTimeoutMs <= config.groups.maxSessionTimeoutMs)) {
    problems.push('groups.minSessionTimeoutMs must be > 0 and <= groups.maxSessionTimeoutMs')
  }
  if (!(config.groups.initialRebalanceDelayMs >= 0)) problems.push('groups.initialRebalanceDelayMs must be >= 0')
  if (!(config.groups.emptyGroupCheckIntervalMs > 0)) problems.push('groups.emptyGroupCheckIntervalMs must be > 0')
  if (!(config.groups.consumerHeartbeatIntervalMs > 0 && config.groups.consumerHeartbeatIntervalMs < config.groups.consumerSessionTimeoutMs)) {
    problems.push('groups.consumerHeartbeatIntervalMs must be > 0 and below groups.consumerSessionTimeoutMs')
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(config.region)) problems.push(`region ${JSON.stringify(config.region)} is not an AWS region name such as us-east-1`)
  if (!(config.sasl.maxSessionLifetimeMs > 0)) problems.push('sasl.maxSessionLifetimeMs must be > 0')
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`)
}
