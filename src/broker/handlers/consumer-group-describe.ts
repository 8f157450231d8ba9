// ConsumerGroupDescribe (key 69), v0: consumer-protocol (KIP-848) groups with state, group and
// assignment epochs, the assignor in use, and each member's subscription, current and target
// assignment (topic ids with names). Unknown groups and classic groups answer GROUP_ID_NOT_FOUND
// per group, as Kafka does. On an IAM listener each group needs kafka-cluster:DescribeGroup
// (GROUP_AUTHORIZATION_FAILED for it); authorizedOperations, when asked, are the READ, DELETE and
// DESCRIBE the principal's policies allow on the group.
import { ConsumerGroupDescribeApi, type DescribedGroup } from '../../protocol/messages/consumer-group-describe.ts'
import { UNKNOWN_AUTHORIZED_OPERATIONS } from '../../security/iam/kafka-acl-operations.ts'
import { defineHandler } from '../handler.ts'
import { authorizationMessage } from '../request-access.ts'

function deniedGroup (groupId: string, errorCode: number): DescribedGroup {
  return {
    errorCode,
    errorMessage: authorizationMessage(errorCode),
    groupId,
    groupState: '',
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: '',
    members: [],
    authorizedOperations: UNKNOWN_AUTHORIZED_OPERATIONS
  }
}

export const consumerGroupDescribeHandler = defineHandler({
  api: ConsumerGroupDescribeApi,
  versions: { min: 0, max: 0 },
  async handle (request, { services, clusterId, access }) {
    const operationsOf = request.includeAuthorizedOperations ? (groupId: string) => access.authorizedOperations('group', groupId) : undefined
    const groups: DescribedGroup[] = []
    for (const groupId of request.groupIds) {
      groups.push(access.allows('group', groupId)
        ? (await services.consumerGroups.describe(clusterId, [groupId], operationsOf))[0]!
        : deniedGroup(groupId, access.deniedError('group')))
    }
    return { throttleTimeMs: 0, groups }
  }
})
