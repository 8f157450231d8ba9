// ConsumerGroupDescribe (key 69), v0: consumer-protocol (KIP-848) groups with state, group and
// assignment epochs, the assignor in use, and each member's subscription, current and target
// assignment (topic ids with names). Unknown groups and classic groups answer GROUP_ID_NOT_FOUND
// per group, as Kafka does. authorizedOperations reports READ, DELETE and DESCRIBE until IAM
// authorization arrives.
import { ConsumerGroupDescribeApi } from '../../protocol/messages/consumer-group-describe.ts'
import { defineHandler } from '../handler.ts'

export const consumerGroupDescribeHandler = defineHandler({
  api: ConsumerGroupDescribeApi,
  versions: { min: 0, max: 0 },
  async handle (request, { services, clusterId }) {
    const groups = await services.consumerGroups.describe(clusterId, request.groupIds, request.includeAuthorizedOperations)
    return { throttleTimeMs: 0, groups }
  }
})
