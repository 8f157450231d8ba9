// ListGroups (key 16), v0-5. The cluster's groups with protocol type, state (v4+, filterable, case
// insensitive) and type (v5, filterable; every group is "classic" until KIP-848 groups arrive).
// Groups that only commit offsets are listed with an empty protocol type, as Kafka lists them.
import { ListGroupsApi } from '../../protocol/messages/list-groups.ts'
import { defineHandler } from '../handler.ts'

export const listGroupsHandler = defineHandler({
  api: ListGroupsApi,
  versions: { min: 0, max: 5 },
  async handle (request, { services, clusterId, apiVersion }) {
    const statesFilter = apiVersion >= 4 ? request.statesFilter : []
    const typesFilter = apiVersion >= 5 ? request.typesFilter : []
    const groups = await services.groups.listGroups(clusterId, statesFilter, typesFilter)
    return { throttleTimeMs: 0, errorCode: 0, groups }
  }
})
