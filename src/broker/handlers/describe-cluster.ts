// DescribeCluster (key 60), v0-1. The live nodes as brokers (this node first, as in Metadata), the
// cluster id, and the first broker as the "controller" (there is none; clients only display it).
// Only broker endpoints exist: endpointType 2 (controllers) answers UNSUPPORTED_ENDPOINT_TYPE, as
// a Kafka broker does. Ports are those of the listener the client connected on. On an IAM listener
// the request needs kafka-cluster:DescribeCluster (CLUSTER_AUTHORIZATION_FAILED, spec 4.3; Apache
// Kafka itself answers with 0 operations instead), and clusterAuthorizedOperations, when asked, are
// the operations the principal's policies allow on the cluster.
import { DescribeClusterApi } from '../../protocol/messages/describe-cluster.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { UNKNOWN_AUTHORIZED_OPERATIONS as UNKNOWN_OPERATIONS } from '../../security/iam/kafka-acl-operations.ts'
import { defineHandler } from '../handler.ts'
import { authorizationMessage } from '../request-access.ts'

const BROKER_ENDPOINTS = 1

export const describeClusterHandler = defineHandler({
  api: DescribeClusterApi,
  versions: { min: 0, max: 1 },
  async handle (request, { services, clusterId, apiVersion, listener, access }) {
    const endpointType = apiVersion >= 1 ? request.endpointType : BROKER_ENDPOINTS
    const denied = access.errorFor('cluster')
    const brokers = services.brokers(listener)
    const response = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType,
      clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      brokers: brokers.map(({ nodeId, host, port, rack }) => ({ brokerId: nodeId, host, port, rack })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? access.authorizedOperations('cluster') : UNKNOWN_OPERATIONS
    }
    if (denied !== 0) {
      return {
        ...response, errorCode: denied, errorMessage: authorizationMessage(denied), controllerId: -1, brokers: [], clusterAuthorizedOperations: UNKNOWN_OPERATIONS
      }
    }
    if (endpointType !== BROKER_ENDPOINTS) {
      return {
        ...response,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: `endpoint type ${endpointType} is not served here: only brokers (1)`,
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: UNKNOWN_OPERATIONS
      }
    }
    return response
  }
})
