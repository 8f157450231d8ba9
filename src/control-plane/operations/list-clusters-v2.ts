// ListClustersV2 (GET /api/v2/clusters): the caller's account's clusters, oldest first, filtered by
// name prefix (clusterNameFilter) and type, in pages of maxResults (1-100) with an opaque nextToken.
import type { ClusterRecord } from '../../storage/catalog.ts'
import { clusterInfo } from '../cluster-info.ts'
import { badRequest } from '../errors.ts'
import { authorizeOperation, defineOperation } from '../operation.ts'
import { singleQueryValue } from '../validation.ts'

const MAX_RESULTS = 100

interface PageToken {
  createdAtMs: number
  clusterId: string
}

function encodeToken (cluster: ClusterRecord): string {
  return Buffer.from(JSON.stringify({ createdAtMs: cluster.createdAtMs, clusterId: cluster.clusterId } satisfies PageToken)).toString('base64url')
}

function decodeToken (token: string): PageToken {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (typeof value === 'object' && value !== null && 'createdAtMs' in value && 'clusterId' in value &&
      typeof value.createdAtMs === 'number' && typeof value.clusterId === 'string') {
      return { createdAtMs: value.createdAtMs, clusterId: value.clusterId }
    }
  } catch {}
  throw badRequest('nextToken is not a token this API returned', 'nextToken')
}

function isAfter (cluster: ClusterRecord, token: PageToken): boolean {
  return cluster.createdAtMs > token.createdAtMs || (cluster.createdAtMs === token.createdAtMs && cluster.clusterId > token.clusterId)
}

export const listClustersV2 = defineOperation({
  name: 'ListClustersV2',
  method: 'GET',
  url: '/api/v2/clusters',
  successStatus: 200,
  async handle (context) {
    const query = context.request.query
    const nameFilter = singleQueryValue(query, 'clusterNameFilter') ?? ''
    const typeFilter = singleQueryValue(query, 'clusterTypeFilter')
    if (typeFilter !== undefined && typeFilter !== 'SERVERLESS' && typeFilter !== 'PROVISIONED') {
      throw badRequest(`clusterTypeFilter must be SERVERLESS or PROVISIONED, not ${typeFilter}`, 'clusterTypeFilter')
    }
    const maxResultsText = singleQueryValue(query, 'maxResults')
    const maxResults = maxResultsText === undefined ? MAX_RESULTS : Number(maxResultsText)
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
      throw badRequest(`maxResults must be an integer from 1 to ${MAX_RESULTS}`, 'maxResults')
    }
    const nextToken = singleQueryValue(query, 'nextToken')
    const after = nextToken === undefined || nextToken === '' ? undefined : decodeToken(nextToken)
    await authorizeOperation(context, '*')

    const accountId = context.caller.principal.accountId
    // Skiff has no provisioned clusters, so that filter finds none.
    const matching = typeFilter === 'PROVISIONED'
      ? []
      : (await context.catalog.listClusters()).filter(cluster =>
          cluster.accountId === accountId && cluster.arn !== undefined && cluster.name.startsWith(nameFilter) &&
          (after === undefined || isAfter(cluster, after)))
    const page = matching.slice(0, maxResults)
    const clusterInfoList = []
    for (const cluster of page) clusterInfoList.push(clusterInfo(cluster, await context.catalog.getClusterTags(cluster.clusterId)))
    const last = page.at(-1)
    return matching.length > maxResults && last !== undefined ? { clusterInfoList, nextToken: encodeToken(last) } : { clusterInfoList }
  }
})
