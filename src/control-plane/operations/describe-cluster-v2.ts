// DescribeClusterV2 (GET /api/v2/clusters/{clusterArn}): the Cluster shape of spec 6.2.
import { clusterInfo } from '../cluster-info.ts'
import { defineOperation, findCluster, pathParameter } from '../operation.ts'

export const describeClusterV2 = defineOperation({
  name: 'DescribeClusterV2',
  method: 'GET',
  url: '/api/v2/clusters/:clusterArn',
  successStatus: 200,
  async handle (context) {
    const { cluster, tags } = await findCluster(context, pathParameter(context, 'clusterArn'), 'clusterArn')
    return { clusterInfo: clusterInfo(cluster, tags) }
  }
})
