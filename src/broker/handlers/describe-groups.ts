// DescribeGroups (key 15), v0-5. State, protocol type, and members with client id and host; the
// selected protocol and members' metadata and assignments only once the group is Stable, as Kafka
// reports them. An unknown group is described as Dead without error (Kafka before v6), and so is
// a consumer-protocol (KIP-848) group, which Kafka describes only through ConsumerGroupDescribe.
// On an IAM listener each group needs kafka-cluster:DescribeGroup (GROUP_AUTHORIZATION_FAILED for
// it); authorizedOperations (v3+, when asked) are the READ, DELETE and DESCRIBE the principal's
// policies allow on the group.
import { DescribeGroupsApi, type DescribedGroup } from '../../protocol/messages/describe-groups.ts'
import { UNKNOWN_AUTHORIZED_OPERATIONS } from '../../security/iam/kafka-acl-operations.ts'
import { defineHandler } from '../handler.ts'

function deniedGroup (groupId: string, errorCode: number): DescribedGroup {
  return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: UNKNOWN_AUTHORIZED_OPERATIONS }
}

export const describeGroupsHandler = defineHandler({
  api: DescribeGroupsApi,
  versions: { min: 0, max: 5 },
  async handle (request, { services, clusterId, apiVersion, access }) {
    const operationsOf = apiVersion >= 3 && request.includeAuthorizedOperations
      ? (groupId: string) => access.authorizedOperations('group', groupId)
      : undefined
    const groups: DescribedGroup[] = []
    for (const groupId of request.groups) {
      groups.push(access.allows('group', groupId)
        ? (await services.groups.describeGroups(clusterId, [groupId], operationsOf))[0]!
        : deniedGroup(groupId, access.deniedError('group')))
    }
    return { throttleTimeMs: 0, groups }
  }
})
