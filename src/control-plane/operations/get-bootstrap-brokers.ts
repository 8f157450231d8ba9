// GetBootstrapBrokers (GET /v1/clusters/{clusterArn}/bootstrap-brokers): for a serverless cluster
// only bootstrapBrokerStringSaslIam, host:port of the cluster's endpoint on every node, comma-separated.
import { conflict } from '../errors.ts'
import { defineOperation, findCluster, pathParameter } from '../operation.ts'

export const getBootstrapBrokers = defineOperation({
  name: 'GetBootstrapBrokers',
  method: 'GET',
  url: '/v1/clusters/:clusterArn/bootstrap-brokers',
  successStatus: 200,
  async handle (context) {
    const { cluster } = await findCluster(context, pathParameter(context, 'clusterArn'), 'clusterArn')
    if (cluster.state !== 'ACTIVE') {
      throw conflict(`The cluster is ${cluster.state}; its bootstrap brokers are known once it is ACTIVE`, 'clusterArn')
    }
    const brokers = await context.endpoints.bootstrapBrokers(cluster)
    return { bootstrapBrokerStringSaslIam: brokers.join(',') }
  }
})
