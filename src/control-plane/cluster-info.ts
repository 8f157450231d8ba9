// The AWS `Cluster` shape (spec 6.2) of a stored cluster, as DescribeClusterV2 and ListClustersV2
// answer it: camelCase members, ISO-8601 creationTime, the echoed serverless settings.
import { createHash } from 'node:crypto'
import type { ClusterRecord } from '../storage/catalog.ts'

export interface ClusterInfo {
  clusterArn: string
  clusterName: string
  clusterType: 'SERVERLESS'
  creationTime: string
  currentVersion: string
  state: string
  stateInfo?: { code: string, message: string }
  tags: Record<string, string>
  serverless: {
    vpcConfigs: Array<{ subnetIds: string[], securityGroupIds?: string[] }>
    clientAuthentication?: { sasl?: { iam?: { enabled?: boolean } } }
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** MSK's version string (e.g. K2EUQ1WTGCTBG2): a serverless cluster is never updated, so one per cluster. */
export function currentVersionOf (clusterId: string): string {
  const digest = createHash('sha256').update(clusterId).digest()
  let version = 'K'
  for (let index = 0; index < 13; index++) version += BASE32[digest[index]! % 32]
  return version
}

export function clusterInfo (cluster: ClusterRecord, tags: Record<string, string>): ClusterInfo {
  const info: ClusterInfo = {
    clusterArn: cluster.arn ?? '',
    clusterName: cluster.name,
    clusterType: 'SERVERLESS',
    creationTime: new Date(cluster.createdAtMs).toISOString(),
    currentVersion: currentVersionOf(cluster.clusterId),
    state: cluster.state,
    tags,
    serverless: structuredClone(cluster.serverless ?? { vpcConfigs: [] })
  }
  if (cluster.state === 'FAILED' && cluster.stateMessage !== undefined) {
    info.stateInfo = { code: 'InternalServerError', message: cluster.stateMessage }
  }
  return info
}
