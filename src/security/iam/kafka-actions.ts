// MSK's data-plane actions (service prefix `kafka-cluster`, spec 4.1) and Kafka's implication
// rules as a separate step after plain IAM evaluation. AWS documents only dependencies between
// these actions ("requiredActions": a policy granting one should grant those too), not
// implication; Apache Kafka's ACL authorizer does imply DESCRIBE from READ/WRITE/DELETE/ALTER and
// DESCRIBE_CONFIGS from ALTER_CONFIGS, so a check of a Describe action also passes when an
// implying action is allowed on the same resource. An explicit Deny of the Describe action itself
// still wins. This never refuses what a policy written per AWS's docs allows.
import type { KafkaResourceType } from './arn.ts'
import { type AuthorizationRequest, type Decision, type PolicySet } from './policy-evaluator.ts'

export type KafkaClusterActionName =
  | 'Connect' | 'DescribeCluster' | 'AlterCluster' | 'DescribeClusterDynamicConfiguration' | 'AlterClusterDynamicConfiguration'
  | 'WriteDataIdempotently' | 'CreateTopic' | 'DescribeTopic' | 'AlterTopic' | 'DeleteTopic'
  | 'DescribeTopicDynamicConfiguration' | 'AlterTopicDynamicConfiguration' | 'ReadData' | 'WriteData'
  | 'DescribeGroup' | 'AlterGroup' | 'DeleteGroup' | 'DescribeTransactionalId' | 'AlterTransactionalId'

/** The full IAM action name, e.g. `kafka-cluster:WriteData`. */
export type KafkaClusterAction = `kafka-cluster:${KafkaClusterActionName}`

export interface KafkaClusterActionInfo {
  action: KafkaClusterAction
  resourceType: KafkaResourceType
  /** AWS's "required actions": a client workflow using this action needs these as well. */
  requiredActions: readonly KafkaClusterAction[]
  accessLevel: 'List' | 'Read' | 'Write'
  isSupportedOnServerless: boolean
}

function info (name: KafkaClusterActionName, resourceType: KafkaResourceType, required: readonly KafkaClusterActionName[], isSupportedOnServerless = true): KafkaClusterActionInfo {
  const accessLevel = name.startsWith('Describe') ? 'List' : name === 'ReadData' ? 'Read' : 'Write'
  return Object.freeze({
    action: `kafka-cluster:${name}` as const,
    resourceType,
    requiredActions: Object.freeze(required.map(other => `kafka-cluster:${other}` as const)),
    accessLevel,
    isSupportedOnServerless
  })
}

/** Spec 4.1's table, by full action name. */
export const KAFKA_CLUSTER_ACTIONS: Readonly<Record<KafkaClusterAction, KafkaClusterActionInfo>> = Object.freeze(Object.fromEntries([
  info('Connect', 'cluster', []),
  info('DescribeCluster', 'cluster', ['Connect']),
  info('AlterCluster', 'cluster', ['Connect', 'DescribeCluster'], false),
  info('DescribeClusterDynamicConfiguration', 'cluster', ['Connect'], false),
  info('AlterClusterDynamicConfiguration', 'cluster', ['Connect', 'DescribeClusterDynamicConfiguration'], false),
  info('WriteDataIdempotently', 'cluster', ['Connect', 'WriteData']),
  info('CreateTopic', 'topic', ['Connect']),
  info('DescribeTopic', 'topic', ['Connect']),
  info('AlterTopic', 'topic', ['Connect', 'DescribeTopic']),
  info('DeleteTopic', 'topic', ['Connect', 'DescribeTopic']),
  info('DescribeTopicDynamicConfiguration', 'topic', ['Connect']),
  info('AlterTopicDynamicConfiguration', 'topic', ['Connect', 'DescribeTopicDynamicConfiguration']),
  info('ReadData', 'topic', ['Connect', 'DescribeTopic', 'AlterGroup']),
  info('WriteData', 'topic', ['Connect', 'DescribeTopic']),
  info('DescribeGroup', 'group', ['Connect']),
  info('AlterGroup', 'group', ['Connect', 'DescribeGroup']),
  info('DeleteGroup', 'group', ['Connect', 'DescribeGroup']),
  info('DescribeTransactionalId', 'transactional-id', ['Connect']),
  info('AlterTransactionalId', 'transactional-id', ['Connect', 'DescribeTransactionalId', 'WriteData'])
].map(entry => [entry.action, entry])) as Record<KafkaClusterAction, KafkaClusterActionInfo>)

/** For each Describe action, the actions on the same resource that imply it (Kafka's ACL rules). */
export const IMPLYING_ACTIONS: Readonly<Partial<Record<KafkaClusterAction, readonly KafkaClusterAction[]>>> = Object.freeze({
  'kafka-cluster:DescribeTopic': ['kafka-cluster:ReadData', 'kafka-cluster:WriteData', 'kafka-cluster:AlterTopic', 'kafka-cluster:DeleteTopic'],
  'kafka-cluster:DescribeGroup': ['kafka-cluster:AlterGroup', 'kafka-cluster:DeleteGroup'],
  'kafka-cluster:DescribeTransactionalId': ['kafka-cluster:AlterTransactionalId'],
  'kafka-cluster:DescribeTopicDynamicConfiguration': ['kafka-cluster:AlterTopicDynamicConfiguration'],
  'kafka-cluster:DescribeClusterDynamicConfiguration': ['kafka-cluster:AlterClusterDynamicConfiguration']
})

const IMPLYING_BY_LOWER_ACTION: ReadonlyMap<string, readonly KafkaClusterAction[]> = new Map(
  Object.entries(IMPLYING_ACTIONS).map(([action, implying]) => [action.toLowerCase(), implying])
)

/**
 * Evaluates a `kafka-cluster:` check with Kafka's implication step: plain IAM evaluation first;
 * an explicit Deny ends it; an implicit deny of a Describe action is turned into an allow when an
 * implying action is allowed on the same resource (the decision then names it in `impliedBy`).
 */
export function authorizeKafkaAction (policies: PolicySet, request: AuthorizationRequest): Decision {
  const decision = policies.evaluate(request)
  if (decision.reason !== 'implicit-deny') return decision
  const implying = IMPLYING_BY_LOWER_ACTION.get(request.action.toLowerCase())
  if (implying === undefined) return decision
  for (const action of implying) {
    const implied = policies.evaluate({ ...request, action })
    if (implied.isAllowed) return { ...implied, action: request.action, impliedBy: action }
  }
  return decision
}
