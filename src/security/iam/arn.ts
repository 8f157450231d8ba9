// Amazon Resource Names for MSK's IAM resources (spec 4.2): builders for the cluster, topic,
// group and transactional-id ARNs a request is checked against, and a cluster ARN parser.
// Request ARNs are plain concatenation: group and transactional ids may hold `*`, `?`, `/` or `:`,
// and only the policy side is ever read as a pattern.

export type KafkaResourceType = 'cluster' | 'topic' | 'group' | 'transactional-id'

/** What identifies one cluster incarnation: `arn:<partition>:kafka:<region>:<accountId>:cluster/<clusterName>/<clusterUuid>`. */
export interface ClusterArnParts {
  /** `aws` unless given. */
  partition?: string
  region: string
  accountId: string
  clusterName: string
  /** The last segment of the cluster ARN, e.g. `813876e5-2023-4882-88c4-58ad8599da5a-s2`. */
  clusterUuid: string
}

/** The six components of any ARN; `resource` keeps its own colons. */
export interface ArnComponents {
  partition: string
  service: string
  region: string
  accountId: string
  resource: string
}

export function clusterArn (cluster: ClusterArnParts): string {
  return `${arnPrefix(cluster)}cluster/${cluster.clusterName}/${cluster.clusterUuid}`
}

export function topicArn (cluster: ClusterArnParts, topicName: string): string {
  return kafkaResourceArn(cluster, 'topic', topicName)
}

export function groupArn (cluster: ClusterArnParts, groupId: string): string {
  return kafkaResourceArn(cluster, 'group', groupId)
}

export function transactionalIdArn (cluster: ClusterArnParts, transactionalId: string): string {
  return kafkaResourceArn(cluster, 'transactional-id', transactionalId)
}

/** The ARN of a cluster's resource of the given type; `name` is ignored for the cluster itself. */
export function kafkaResourceArn (cluster: ClusterArnParts, resourceType: KafkaResourceType, name = ''): string {
  if (resourceType === 'cluster') return clusterArn(cluster)
  return `${arnPrefix(cluster)}${resourceType}/${cluster.clusterName}/${cluster.clusterUuid}/${name}`
}

/** Splits an ARN into its six components, or undefined when it has fewer or does not start with `arn:`. */
export function splitArn (arn: string): ArnComponents | undefined {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    accountId: parts[4]!,
    resource: parts.slice(5).join(':')
  }
}

// MSK's cluster name rule (CreateClusterV2 clusterName: 1-64 characters, letters, digits, hyphens).
const CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/
const CLUSTER_UUID = /^[0-9A-Za-z][0-9A-Za-z-]*$/

/** Why the string is not a cluster ARN ("...: reason"), or undefined when it is one. */
export function clusterArnProblem (arn: string): string | undefined {
  const reason = clusterArnReason(arn)
  return reason === undefined ? undefined : `Invalid cluster ARN '${arn}': ${reason}`
}

/** The parts of a cluster ARN, or undefined when it is not one (see clusterArnProblem for why). */
export function parseClusterArn (arn: string): Required<ClusterArnParts> | undefined {
  if (clusterArnReason(arn) !== undefined) return undefined
  const components = splitArn(arn)!
  const [, clusterName, clusterUuid] = components.resource.split('/')
  return {
    partition: components.partition,
    region: components.region,
    accountId: components.accountId,
    clusterName: clusterName!,
    clusterUuid: clusterUuid!
  }
}

function clusterArnReason (arn: string): string | undefined {
  const components = splitArn(arn)
  if (components === undefined) return 'expected arn:<partition>:kafka:<region>:<account-id>:cluster/<name>/<uuid>'
  if (components.partition === '') return 'the partition is empty'
  if (components.service !== 'kafka') return `the service is '${components.service}', not 'kafka'`
  if (components.region === '') return 'the region is empty'
  if (components.accountId === '') return 'the account id is empty'
  const segments = components.resource.split('/')
  if (segments[0] !== 'cluster') return 'the resource does not start with cluster/'
  if (segments.length !== 3) return 'expected cluster/<name>/<uuid>'
  if (!CLUSTER_NAME.test(segments[1]!)) return `'${segments[1]!}' is not a cluster name (1-64 letters, digits and hyphens)`
  if (!CLUSTER_UUID.test(segments[2]!)) return `'${segments[2]!}' is not a cluster uuid`
  return undefined
}

function arnPrefix (cluster: ClusterArnParts): string {
  return `arn:${cluster.partition ?? 'aws'}:kafka:${cluster.region}:${cluster.accountId}:`
}
