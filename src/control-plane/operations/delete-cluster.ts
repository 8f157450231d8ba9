// DeleteCluster (DELETE /v1/clusters/{clusterArn}?currentVersion=): answers DELETING; the endpoint
// closes (its clients are disconnected) and the cluster's data goes in the background.
import { currentVersionOf } from '../cluster-info.ts'
import { badRequest, conflict } from '../errors.ts'
import { defineOperation, findCluster, pathParameter } from '../operation.ts'
import { singleQueryValue } from '../validation.ts'

export const deleteCluster = defineOperation({
  name: 'DeleteCluster',
  method: 'DELETE',
  url: '/v1/clusters/:clusterArn',
  successStatus: 200,
  async handle (context) {
    const { cluster } = await findCluster(context, pathParameter(context, 'clusterArn'), 'clusterArn')
    const currentVersion = singleQueryValue(context.request.query, 'currentVersion')
    if (currentVersion !== undefined && currentVersion !== currentVersionOf(cluster.clusterId)) {
      throw badRequest(`currentVersion ${currentVersion} is not the cluster's current version ${currentVersionOf(cluster.clusterId)}`, 'currentVersion')
    }
    if (cluster.state === 'DELETING' || cluster.state === 'CREATING') {
      throw conflict(`The cluster is ${cluster.state} and cannot be deleted now`, 'clusterArn')
    }
    const deleting = await context.clusters.delete(cluster)
    return { clusterArn: deleting.arn, state: deleting.state }
  }
})
