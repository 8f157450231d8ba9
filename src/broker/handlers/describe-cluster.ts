// DescribeCluster (key 60), v0-1. The live nodes as brokers (this node first, as in Metadata), the
// cluster id, and the first broker as the "controller" (there is none; clients only display it).
// Only broker endpoints exist: endpointType 2 (controllers) answers UNSUPPORTED_ENDPOINT_TYPE, as
// a Kafka broker does. Ports are those of the listener the client connected on. Gaps: cluster
// authorized operations are a fixed set until IAM arrives.
import { DescribeClusterApi } from '../../protocol/messages/describe-cluster.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

const UNKNOWN_OPERATIONS = -2147483648
const BROKER_ENDPOINTS = 1
/** CREATE, DESCRIBE, DESCRIBE_CONFIGS, IDEMPOTENT_WRITE as Kafka's AclOperation bits: what a client may do to the cluster. */
const CLUSTER_OPERATIONS = (1 << 5) | (1 << 8) | (1 << 10) | (1 << 12)

export const describeClusterHandler = defineHandler({
  api: DescribeClusterApi,
  versions: { min: 0, max: 1 },
  async handle (request, { services, clusterId, apiVersion, listener }) {
    const endpointType = apiVersion >= 1 ? request.endpointType : BROKER_ENDPOINTS
    const brokers = services.brokers(listener)
    const response = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType,
      clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      brokers: brokers.map(({ nodeId, host, port, rack }) => ({ brokerId: nodeId, host, port, rack })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : UNKNOWN_OPERATIONS
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
