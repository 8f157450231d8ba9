// Kafka's AclOperation codes and the MSK action that grants each one on each resource type (spec
// 4.1's "Kafka ACL equivalent" column read backwards): what the authorizedOperations bit sets of
// Metadata, DescribeCluster, DescribeGroups and ConsumerGroupDescribe are computed from.
// Kafka's CREATE on the cluster (create any topic) has no cluster-level MSK action (CreateTopic
// names a topic), and CLUSTER_ACTION is never granted to IAM principals, so neither is reported.
import type { KafkaResourceType } from './arn.ts'
import type { KafkaClusterAction } from './kafka-actions.ts'

/** Kafka's AclOperation codes (org.apache.kafka.common.acl.AclOperation); bit `1 << code` in a bit set. */
export const AclOperation = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12
} as const

/** What authorizedOperations holds when the client did not ask for it (the schema's default). */
export const UNKNOWN_AUTHORIZED_OPERATIONS = -2147483648

/** For each resource type, the operations Kafka reports on it and the action that grants each. */
export const ACL_OPERATION_ACTIONS: Readonly<Record<KafkaResourceType, ReadonlyArray<readonly [number, KafkaClusterAction]>>> = Object.freeze({
  topic: [
    [AclOperation.READ, 'kafka-cluster:ReadData'],
    [AclOperation.WRITE, 'kafka-cluster:WriteData'],
    [AclOperation.CREATE, 'kafka-cluster:CreateTopic'],
    [AclOperation.DELETE, 'kafka-cluster:DeleteTopic'],
    [AclOperation.ALTER, 'kafka-cluster:AlterTopic'],
    [AclOperation.DESCRIBE, 'kafka-cluster:DescribeTopic'],
    [AclOperation.DESCRIBE_CONFIGS, 'kafka-cluster:DescribeTopicDynamicConfiguration'],
    [AclOperation.ALTER_CONFIGS, 'kafka-cluster:AlterTopicDynamicConfiguration']
  ],
  group: [
    [AclOperation.READ, 'kafka-cluster:AlterGroup'],
    [AclOperation.DELETE, 'kafka-cluster:DeleteGroup'],
    [AclOperation.DESCRIBE, 'kafka-cluster:DescribeGroup']
  ],
  cluster: [
    [AclOperation.ALTER, 'kafka-cluster:AlterCluster'],
    [AclOperation.DESCRIBE, 'kafka-cluster:DescribeCluster'],
    [AclOperation.DESCRIBE_CONFIGS, 'kafka-cluster:DescribeClusterDynamicConfiguration'],
    [AclOperation.ALTER_CONFIGS, 'kafka-cluster:AlterClusterDynamicConfiguration'],
    [AclOperation.IDEMPOTENT_WRITE, 'kafka-cluster:WriteDataIdempotently']
  ],
  'transactional-id': [
    [AclOperation.WRITE, 'kafka-cluster:AlterTransactionalId'],
    [AclOperation.DESCRIBE, 'kafka-cluster:DescribeTransactionalId']
  ]
})

/**
 * The bit set of the operations `isAllowed` grants on a resource of the type. As Kafka reports it,
 * a cluster the principal may not describe has no operations at all (0).
 */
export function aclOperationBits (resourceType: KafkaResourceType, isAllowed: (action: KafkaClusterAction) => boolean): number {
  let bits = 0
  for (const [operation, action] of ACL_OPERATION_ACTIONS[resourceType]) {
    if (isAllowed(action)) bits |= 1 << operation
  }
  if (resourceType === 'cluster' && (bits & (1 << AclOperation.DESCRIBE)) === 0) return 0
  return bits
}

/** The operations Kafka names in a bit set, e.g. ['READ', 'DESCRIBE'], for tests and log lines. */
export function aclOperationNames (bits: number): string[] {
  if (bits === UNKNOWN_AUTHORIZED_OPERATIONS) return []
  return Object.entries(AclOperation).filter(([, code]) => (bits & (1 << code)) !== 0).map(([name]) => name)
}
