// Which IAM checks each Kafka API needs (spec 4.3, derived from Apache Kafka's "Operations and
// Resources on Protocols" table mapped onto MSK's actions) and the Kafka error a denial answers
// with. Data plus two helpers the broker calls; an API missing here has no grant and is denied.
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { KafkaResourceType } from './arn.ts'
import type { KafkaClusterAction } from './kafka-actions.ts'

/** Which of an API's checks: most have one per resource type ('main'); a few add a second. */
export type KafkaCheckPurpose = 'main' | 'auto-create' | 'return-configs' | 'subscribed-topics' | 'replica-fetch'

export interface KafkaApiCheck {
  resourceType: KafkaResourceType
  /** undefined: internal to the cluster (broker-to-broker), never granted to IAM principals. */
  action: KafkaClusterAction | undefined
  /** What a denial answers with (for the resource entry, or the whole response when it has no entries). */
  errorCode: number
  /** 'omit': a denied resource is left out of the answer instead of failing (listings). */
  onDenied: 'error' | 'omit'
  purpose: KafkaCheckPurpose
  /** When the check applies, if not always, in words. */
  when?: string
}

export interface KafkaApiAuthorization {
  apiKey: number
  /** As Kafka spells it, e.g. 'OffsetCommit'. */
  apiName: string
  /** In the order the broker performs them (a failed earlier check ends the request). Empty: no check. */
  checks: readonly KafkaApiCheck[]
  note?: string
}

const TOPIC = ErrorCode.TOPIC_AUTHORIZATION_FAILED
const GROUP = ErrorCode.GROUP_AUTHORIZATION_FAILED
const CLUSTER = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
const TXN = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED

type CheckSpec = [KafkaResourceType, KafkaClusterAction | undefined, number, Partial<Pick<KafkaApiCheck, 'onDenied' | 'purpose' | 'when'>>?]

function api (apiKey: number, apiName: string, checks: readonly CheckSpec[], note?: string): KafkaApiAuthorization {
  return Object.freeze({
    apiKey,
    apiName,
    checks: Object.freeze(checks.map(([resourceType, action, errorCode, options]) => Object.freeze({
      resourceType, action, errorCode, onDenied: options?.onDenied ?? 'error', purpose: options?.purpose ?? 'main', ...(options?.when === undefined ? {} : { when: options.when })
    }))),
    ...(note === undefined ? {} : { note })
  })
}

const AUTHORIZATIONS: readonly KafkaApiAuthorization[] = [
  api(0, 'Produce', [
    ['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN, { when: 'transactionalId is set' }],
    ['topic', 'kafka-cluster:WriteData', TOPIC]
  ]),
  api(1, 'Fetch', [
    ['topic', 'kafka-cluster:ReadData', TOPIC],
    ['cluster', undefined, TOPIC, { purpose: 'replica-fetch', when: 'replicaId >= 0 (a follower fetch)' }]
  ]),
  api(2, 'ListOffsets', [['topic', 'kafka-cluster:DescribeTopic', TOPIC]]),
  api(3, 'Metadata', [
    ['topic', 'kafka-cluster:DescribeTopic', TOPIC, { when: 'named topics answer 29 each; a request for all topics silently omits the denied ones' }],
    ['topic', 'kafka-cluster:CreateTopic', TOPIC, { purpose: 'auto-create', when: 'a named topic is missing and auto-creation is on' }]
  ]),
  api(8, 'OffsetCommit', [
    ['group', 'kafka-cluster:AlterGroup', GROUP],
    ['topic', 'kafka-cluster:ReadData', TOPIC]
  ]),
  api(9, 'OffsetFetch', [
    ['group', 'kafka-cluster:DescribeGroup', GROUP],
    ['topic', 'kafka-cluster:DescribeTopic', TOPIC, { when: 'named topics answer 29 per partition; a fetch of all topics omits the denied ones' }]
  ]),
  api(10, 'FindCoordinator', [
    ['group', 'kafka-cluster:DescribeGroup', GROUP, { when: 'key type 0 (group)' }],
    ['transactional-id', 'kafka-cluster:DescribeTransactionalId', TXN, { when: 'key type 1 (transaction)' }]
  ]),
  api(11, 'JoinGroup', [['group', 'kafka-cluster:AlterGroup', GROUP]]),
  api(12, 'Heartbeat', [['group', 'kafka-cluster:AlterGroup', GROUP]]),
  api(13, 'LeaveGroup', [['group', 'kafka-cluster:AlterGroup', GROUP]]),
  api(14, 'SyncGroup', [['group', 'kafka-cluster:AlterGroup', GROUP]]),
  api(15, 'DescribeGroups', [['group', 'kafka-cluster:DescribeGroup', GROUP, { when: 'per group' }]]),
  api(16, 'ListGroups', [
    ['cluster', 'kafka-cluster:DescribeCluster', GROUP, { onDenied: 'omit', when: 'allowed: every group is listed' }],
    ['group', 'kafka-cluster:DescribeGroup', GROUP, { onDenied: 'omit', when: 'without DescribeCluster: only groups the principal may describe' }]
  ], 'never answers an error'),
  api(17, 'SaslHandshake', []),
  api(18, 'ApiVersions', []),
  api(19, 'CreateTopics', [
    ['topic', 'kafka-cluster:CreateTopic', TOPIC],
    ['topic', 'kafka-cluster:DescribeTopicDynamicConfiguration', TOPIC, { purpose: 'return-configs', onDenied: 'omit', when: 'denied: configs left out and topicConfigErrorCode 29' }]
  ]),
  api(20, 'DeleteTopics', [['topic', 'kafka-cluster:DeleteTopic', TOPIC]]),
  api(21, 'DeleteRecords', [['topic', 'kafka-cluster:DeleteTopic', TOPIC]]),
  api(22, 'InitProducerId', [
    ['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN, { when: 'transactionalId is set' }],
    ['cluster', 'kafka-cluster:WriteDataIdempotently', CLUSTER, { when: 'no transactionalId (idempotent producer)' }]
  ]),
  api(23, 'OffsetForLeaderEpoch', [['topic', 'kafka-cluster:DescribeTopic', TOPIC]]),
  api(24, 'AddPartitionsToTxn', [
    ['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN],
    ['topic', 'kafka-cluster:WriteData', TOPIC]
  ]),
  api(25, 'AddOffsetsToTxn', [
    ['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN],
    ['group', 'kafka-cluster:AlterGroup', GROUP]
  ]),
  api(26, 'EndTxn', [['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN]]),
  api(27, 'WriteTxnMarkers', [['cluster', undefined, CLUSTER]], 'broker-to-broker'),
  api(28, 'TxnOffsetCommit', [
    ['transactional-id', 'kafka-cluster:AlterTransactionalId', TXN],
    ['group', 'kafka-cluster:AlterGroup', GROUP],
    ['topic', 'kafka-cluster:ReadData', TOPIC]
  ]),
  api(29, 'DescribeAcls', [['cluster', 'kafka-cluster:DescribeCluster', CLUSTER]], 'ACLs are not supported on Serverless'),
  api(30, 'CreateAcls', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'ACLs are not supported on Serverless'),
  api(31, 'DeleteAcls', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'ACLs are not supported on Serverless'),
  api(32, 'DescribeConfigs', [
    ['topic', 'kafka-cluster:DescribeTopicDynamicConfiguration', TOPIC],
    ['cluster', 'kafka-cluster:DescribeClusterDynamicConfiguration', CLUSTER, { when: 'broker and broker-logger resources' }]
  ]),
  api(33, 'AlterConfigs', [
    ['topic', 'kafka-cluster:AlterTopicDynamicConfiguration', TOPIC],
    ['cluster', 'kafka-cluster:AlterClusterDynamicConfiguration', CLUSTER, { when: 'broker resources (not allowed on Serverless)' }]
  ]),
  api(34, 'AlterReplicaLogDirs', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'not applicable on Serverless'),
  api(35, 'DescribeLogDirs', [['cluster', 'kafka-cluster:DescribeCluster', CLUSTER]], 'not applicable on Serverless'),
  api(36, 'SaslAuthenticate', [['cluster', 'kafka-cluster:Connect', ErrorCode.SASL_AUTHENTICATION_FAILED, { when: 'after the signature check, and at every re-authentication' }]]),
  api(37, 'CreatePartitions', [['topic', 'kafka-cluster:AlterTopic', TOPIC]]),
  api(42, 'DeleteGroups', [['group', 'kafka-cluster:DeleteGroup', GROUP, { when: 'per group' }]]),
  api(43, 'ElectLeaders', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'not applicable on Serverless'),
  api(44, 'IncrementalAlterConfigs', [
    ['topic', 'kafka-cluster:AlterTopicDynamicConfiguration', TOPIC],
    ['cluster', 'kafka-cluster:AlterClusterDynamicConfiguration', CLUSTER, { when: 'broker resources (not allowed on Serverless)' }]
  ]),
  api(45, 'AlterPartitionReassignments', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'not applicable on Serverless'),
  api(46, 'ListPartitionReassignments', [['cluster', 'kafka-cluster:DescribeCluster', CLUSTER]], 'not applicable on Serverless'),
  api(47, 'OffsetDelete', [
    ['group', 'kafka-cluster:DeleteGroup', GROUP],
    ['topic', 'kafka-cluster:ReadData', TOPIC]
  ]),
  api(48, 'DescribeClientQuotas', [['cluster', 'kafka-cluster:DescribeClusterDynamicConfiguration', CLUSTER]]),
  api(49, 'AlterClientQuotas', [['cluster', 'kafka-cluster:AlterClusterDynamicConfiguration', CLUSTER]]),
  api(50, 'DescribeUserScramCredentials', [['cluster', 'kafka-cluster:DescribeCluster', CLUSTER]], 'not applicable on Serverless'),
  api(51, 'AlterUserScramCredentials', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'not applicable on Serverless'),
  api(57, 'UpdateFeatures', [['cluster', 'kafka-cluster:AlterCluster', CLUSTER]], 'not applicable on Serverless'),
  api(60, 'DescribeCluster', [['cluster', 'kafka-cluster:DescribeCluster', CLUSTER]]),
  api(61, 'DescribeProducers', [['topic', 'kafka-cluster:ReadData', TOPIC, { when: 'per topic' }]]),
  api(65, 'DescribeTransactions', [['transactional-id', 'kafka-cluster:DescribeTransactionalId', TXN, { when: 'per transactional id' }]]),
  api(66, 'ListTransactions', [['transactional-id', 'kafka-cluster:DescribeTransactionalId', TXN, { onDenied: 'omit' }]], 'lists only the transactional ids the principal may describe'),
  api(68, 'ConsumerGroupHeartbeat', [
    ['group', 'kafka-cluster:AlterGroup', GROUP],
    ['topic', 'kafka-cluster:DescribeTopic', TOPIC, { purpose: 'subscribed-topics', when: 'each subscribed topic name' }]
  ]),
  api(69, 'ConsumerGroupDescribe', [['group', 'kafka-cluster:DescribeGroup', GROUP, { when: 'per group' }]]),
  api(75, 'DescribeTopicPartitions', [['topic', 'kafka-cluster:DescribeTopic', TOPIC]])
]

const BY_API_KEY: ReadonlyMap<number, KafkaApiAuthorization> = new Map(AUTHORIZATIONS.map(entry => [entry.apiKey, entry]))

/** Every API with its checks, by API key. */
export const KAFKA_API_AUTHORIZATIONS: ReadonlyMap<number, KafkaApiAuthorization> = BY_API_KEY

/** The checks an API needs, or undefined for an API Skiff grants to nobody (deny it with CLUSTER_AUTHORIZATION_FAILED). */
export function kafkaChecksFor (apiKey: number): KafkaApiAuthorization | undefined {
  return BY_API_KEY.get(apiKey)
}

/**
 * The check an API makes on one resource type, e.g. kafkaActionFor(8, 'group') is AlterGroup /
 * GROUP_AUTHORIZATION_FAILED; undefined when the API checks nothing of that type.
 */
export function kafkaActionFor (apiKey: number, resourceType: KafkaResourceType, purpose: KafkaCheckPurpose = 'main'): KafkaApiCheck | undefined {
  return BY_API_KEY.get(apiKey)?.checks.find(check => check.resourceType === resourceType && check.purpose === purpose)
}
