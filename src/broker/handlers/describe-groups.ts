// DescribeGroups (key 15), v0-5. State, protocol type, and members with client id and host; the
// selected protocol and members' metadata and assignments only once the group is Stable, as Kafka
// reports them. An unknown group is described as Dead without error (Kafka before v6), and so is
// a consumer-protocol (KIP-848) group, which Kafka describes only through ConsumerGroupDescribe.
// authorizedOperations (v3+) reports READ, DELETE and DESCRIBE until IAM authorization arrives.
import { DescribeGroupsApi } from '../../protocol/messages/describe-groups.ts'
import { defineHandler } from '../handler.ts'

export const describeGroupsHandler = defineHandler({
  api: DescribeGroupsApi,
  versions: { min: 0, max: 5 },
  async handle (request, { services, clusterId, apiVersion }) {
    const includeOperations = apiVersion >= 3 && request.includeAuthorizedOperations
    const groups = await services.groups.describeGroups(clusterId, request.groups, includeOperations)
    return { throttleTimeMs: 0, groups }
  }
})
