// What a Kafka API handler is: the API it serves, the versions it supports, and a function from
// a decoded request to a response. The dispatcher and ApiVersions read the same declarations.
import type { ApiDescriptor } from '../protocol/api-descriptor.ts'
import type { Logger } from '../common/logger.ts'
import type { Clock } from '../common/clock.ts'
import type { SkiffConfig } from '../config/config.ts'
import type { Catalog } from '../storage/catalog.ts'
import type { LogEngine } from '../log/log-engine.ts'
import type { TopicRegistry } from './topic-registry.ts'
import type { FetchSessionCache } from './fetch-session-cache.ts'
import type { SupportedApi } from './dispatcher.ts'
import type { GroupCoordinator } from '../coordinators/group/group-coordinator.ts'
import type { GroupOffsets } from '../coordinators/group/group-offsets.ts'
import type { TransactionCoordinator } from '../coordinators/transaction/transaction-coordinator.ts'
import type { ConsumerGroupCoordinator } from '../coordinators/consumer-group/consumer-group-coordinator.ts'
import type { Authorizer } from '../security/authorizer.ts'
import type { ClusterArnParts } from '../security/iam/arn.ts'
import type { ConnectionSession } from './session.ts'
import type { RequestAccess } from './request-access.ts'

/** Node-wide services handlers use. */
export interface BrokerServices {
  config: SkiffConfig
  catalog: Catalog
  log: LogEngine
  topics: TopicRegistry
  fetchSessions: FetchSessionCache
  /** Classic consumer groups this node coordinates. */
  groups: GroupCoordinator
  /** The groups' committed offsets. */
  groupOffsets: GroupOffsets
  /** Transactions of the transactional ids this node coordinates. */
  transactions: TransactionCoordinator
  /** Consumer-protocol (KIP-848) groups this node coordinates. */
  consumerGroups: ConsumerGroupCoordinator
  clock: Clock
  logger: Logger
  /** Identities, their policies and the generation decisions are cached by. */
  authorizer: Authorizer
  /** The parts of a cluster's ARN (region, account, name, uuid) that IAM resources are built from. */
  clusterArn: (clusterId: string) => ClusterArnParts
  /**
   * The brokers to advertise (all live nodes); this node first. Their ports are those of `listener`
   * (the one the client connected on); without it, those of the node's first listener.
   */
  brokers: (listener?: ListenerName) => BrokerEndpoint[]
  /** The APIs and versions served, from the handler list. */
  supportedApis: () => SupportedApi[]
}

/** The Kafka listeners a node can run: plain TCP, and TLS (MSK's 9098). */
export type ListenerName = 'plaintext' | 'tls'

export interface BrokerEndpoint {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface RequestContext {
  apiVersion: number
  correlationId: number
  clientId: string | null
  /** The cluster this connection's listener serves. */
  clusterId: string
  /** For log lines: the client's address and port. */
  clientAddress: string
  /** The listener this connection came in on; Metadata advertises that listener's ports. */
  listener: ListenerName
  services: BrokerServices
  logger: Logger
  /** The connection's authentication state (SASL mechanism, principal, session lifetime). */
  session: ConnectionSession
  /** This request's authorization: the API's IAM checks for the connection's principal. */
  access: RequestAccess
}

export interface Handler<Request, Response> {
  api: ApiDescriptor<Request, Response>
  versions: { min: number, max: number }
  /** Returns the response, or undefined when Kafka sends none (Produce with acks=0). */
  handle: (request: Request, context: RequestContext) => Promise<Response | undefined>
}

export function defineHandler<Request, Response> (handler: Handler<Request, Response>): Handler<Request, Response> {
  return handler
}

// Handlers of different APIs live in one list; the dispatcher only pairs each with its own codec.

export type AnyHandler = Handler<any, any>
