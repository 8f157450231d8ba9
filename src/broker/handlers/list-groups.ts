// ListGroups (key 16), v0-5. The cluster's groups with protocol type, state (v4+, filterable, case
// insensitive) and type (v5, filterable): "classic" groups, and "consumer" groups of the consumer
// protocol (KIP-848, protocol type "consumer", states Empty/Assigning/Reconciling/Stable).
// Groups that only commit offsets are listed with an empty protocol type, as Kafka lists them.
// A consumer-protocol group whose node restarted is listed as classic until a member rejoins
// (members and the group type live in the coordinator's memory). On an IAM listener a principal
// allowed kafka-cluster:DescribeCluster sees every group; any other sees only the groups it may
// DescribeGroup. ListGroups never answers an authorization error, as in Kafka.
import { ListGroupsApi } from '../../protocol/messages/list-groups.ts'
import { defineHandler } from '../handler.ts'

export const listGroupsHandler = defineHandler({
  api: ListGroupsApi,
  versions: { min: 0, max: 5 },
  async handle (request, { services, clusterId, apiVersion, access }) {
    const statesFilter = apiVersion >= 4 ? request.statesFilter : []
    const typesFilter = apiVersion >= 5 ? request.typesFilter : []
    const groups = [
      ...await services.groups.listGroups(clusterId, statesFilter, typesFilter),
      ...services.consumerGroups.listGroups(clusterId, statesFilter, typesFilter)
    ]
    if (!access.allows('cluster', undefined, 'main', true)) {
      return { throttleTimeMs: 0, errorCode: 0, groups: groups.filter(group => access.allows('group', group.groupId, 'main', true)) }
    }
    return { throttleTimeMs: 0, errorCode: 0, groups }
  }
})
