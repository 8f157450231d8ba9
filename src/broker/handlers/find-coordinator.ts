// FindCoordinator (key 10), v0-6, with batched keys (v4+). Key type 0 (GROUP) and 1 (TRANSACTION)
// answer this node: while Skiff runs one node per catalog it coordinates every group (with several
// nodes the group id's hash over the live nodes will pick one, DESIGN.md). Share groups (key type 2)
// and unknown key types answer INVALID_REQUEST. On an IAM listener each key needs
// kafka-cluster:DescribeGroup on the group (GROUP_AUTHORIZATION_FAILED) or DescribeTransactionalId
// on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), per key in a batch.
import { FindCoordinatorApi, type Coordinator } from '../../protocol/messages/find-coordinator.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { authorizationMessage } from '../request-access.ts'

const GROUP_KEY_TYPE = 0
const TRANSACTION_KEY_TYPE = 1

function findCoordinator (key: string, keyType: number, context: RequestContext): Coordinator {
  const { services, clusterId, logger, listener, access } = context
  if (keyType !== GROUP_KEY_TYPE && keyType !== TRANSACTION_KEY_TYPE) {
    logger.warn({ key, keyType }, 'FindCoordinator for an unsupported key type')
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `key type ${keyType} is not supported` }
  }
  const denied = access.errorFor(keyType === GROUP_KEY_TYPE ? 'group' : 'transactional-id', key)
  if (denied !== 0) return { key, nodeId: -1, host: '', port: -1, errorCode: denied, errorMessage: authorizationMessage(denied) }
  const self = services.brokers(listener)[0]
  if (self === undefined || (keyType === GROUP_KEY_TYPE && !services.groups.ownsGroup(clusterId, key))) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'no coordinator is available' }
  }
  return { key, nodeId: self.nodeId, host: self.host, port: self.port, errorCode: 0, errorMessage: null }
}

export const findCoordinatorHandler = defineHandler({
  api: FindCoordinatorApi,
  versions: { min: 0, max: 6 },
  async handle (request, context) {
    if (context.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: -1,
        host: '',
        port: -1,
        coordinators: request.coordinatorKeys.map(key => findCoordinator(key, request.keyType, context))
      }
    }
    const { nodeId, host, port, errorCode, errorMessage } = findCoordinator(request.key, context.apiVersion >= 1 ? request.keyType : 0, context)
    return { throttleTimeMs: 0, errorCode, errorMessage, nodeId, host, port, coordinators: [] }
  }
})
