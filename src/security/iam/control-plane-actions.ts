// The IAM action each control-plane operation needs: the AWS Kafka REST API (`kafka:*`, spec 6.2)
// and the IAM and STS operations Skiff serves (`iam:*`, `sts:*`), with the resource each is
// checked on. Operations whose resource column in AWS's reference is empty are checked on `*`.

export type ControlPlaneService = 'kafka' | 'iam' | 'sts'

/** What an operation is checked on: a cluster ARN, an IAM user, role or policy ARN, or `*`. */
export type ControlPlaneResourceType = 'cluster' | 'user' | 'role' | 'policy' | 'any'

export interface ControlPlaneOperation {
  service: ControlPlaneService
  /** As AWS names it, e.g. `CreateClusterV2`. */
  operation: string
  /** e.g. `kafka:CreateClusterV2`; undefined when the operation needs no permission (sts:GetCallerIdentity). */
  action: string | undefined
  resourceType: ControlPlaneResourceType
  note?: string
}

type Row = [string, ControlPlaneResourceType, string?]

function rows (service: ControlPlaneService, list: readonly Row[]): ControlPlaneOperation[] {
  return list.map(([operation, resourceType, note]) => Object.freeze({
    service,
    operation,
    action: `${service}:${operation}`,
    resourceType,
    ...(note === undefined ? {} : { note })
  }))
}

const OPERATIONS: readonly ControlPlaneOperation[] = [
  ...rows('kafka', [
    ['CreateClusterV2', 'cluster', 'checked on the ARN the new cluster will get, so a policy can limit cluster names'],
    ['DescribeClusterV2', 'cluster'],
    ['ListClustersV2', 'any'],
    ['GetBootstrapBrokers', 'cluster'],
    ['DeleteCluster', 'cluster'],
    ['TagResource', 'cluster'],
    ['UntagResource', 'cluster'],
    ['ListTagsForResource', 'cluster'],
    ['DescribeCluster', 'cluster', 'v1 API'],
    ['ListClusters', 'any', 'v1 API']
  ]),
  ...rows('iam', [
    ['CreateUser', 'user'],
    ['GetUser', 'user', 'without UserName: checked on the caller\'s own user ARN'],
    ['ListUsers', 'any'],
    ['DeleteUser', 'user'],
    ['CreateAccessKey', 'user'],
    ['ListAccessKeys', 'user'],
    ['UpdateAccessKey', 'user'],
    ['DeleteAccessKey', 'user'],
    ['PutUserPolicy', 'user'],
    ['GetUserPolicy', 'user'],
    ['ListUserPolicies', 'user'],
    ['DeleteUserPolicy', 'user'],
    ['AttachUserPolicy', 'user'],
    ['DetachUserPolicy', 'user'],
    ['ListAttachedUserPolicies', 'user'],
    ['CreateRole', 'role'],
    ['GetRole', 'role'],
    ['ListRoles', 'any'],
    ['DeleteRole', 'role'],
    ['UpdateAssumeRolePolicy', 'role'],
    ['PutRolePolicy', 'role'],
    ['GetRolePolicy', 'role'],
    ['ListRolePolicies', 'role'],
    ['DeleteRolePolicy', 'role'],
    ['AttachRolePolicy', 'role'],
    ['DetachRolePolicy', 'role'],
    ['ListAttachedRolePolicies', 'role'],
    ['CreatePolicy', 'policy'],
    ['GetPolicy', 'policy'],
    ['GetPolicyVersion', 'policy'],
    ['ListPolicies', 'any'],
    ['DeletePolicy', 'policy'],
    ['SimulatePrincipalPolicy', 'any', 'explains decisions for a user or role of the account']
  ]),
  ...rows('sts', [
    ['AssumeRole', 'role', 'the role\'s trust policy must also allow the caller']
  ]),
  Object.freeze({ service: 'sts', operation: 'GetCallerIdentity', action: undefined, resourceType: 'any', note: 'AWS needs no permission for it' })
]

const BY_NAME: ReadonlyMap<string, ControlPlaneOperation> = new Map(OPERATIONS.map(entry => [`${entry.service}:${entry.operation}`, entry]))

/** Every control-plane operation with its action, by `service:Operation`. */
export const CONTROL_PLANE_OPERATIONS: ReadonlyMap<string, ControlPlaneOperation> = BY_NAME

/** The operation's action and resource type, or undefined for an operation Skiff does not serve. */
export function controlPlaneActionFor (service: ControlPlaneService, operation: string): ControlPlaneOperation | undefined {
  return BY_NAME.get(`${service}:${operation}`)
}

/** `arn:<partition>:iam::<accountId>:user<path><name>`; the path starts and ends with `/` (default `/`). */
export function iamUserArn (accountId: string, userName: string, path = '/', partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:user${path}${userName}`
}

export function iamRoleArn (accountId: string, roleName: string, path = '/', partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role${path}${roleName}`
}

export function iamPolicyArn (accountId: string, policyName: string, path = '/', partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:policy${path}${policyName}`
}
