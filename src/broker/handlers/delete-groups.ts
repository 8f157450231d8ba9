// DeleteGroups (key 42), v0-2. Deletes groups without members together with their committed
// offsets; NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND for unknown groups,
// INVALID_GROUP_ID for an empty id. A deleted group frees its place under the cluster's limit.
import { DeleteGroupsApi } from '../../protocol/messages/delete-groups.ts'
import { defineHandler } from '../handler.ts'

export const deleteGroupsHandler = defineHandler({
  api: DeleteGroupsApi,
  versions: { min: 0, max: 2 },
  async handle (request, { services, clusterId }) {
    const results = await services.groups.deleteGroups(clusterId, request.groupsNames)
    return { throttleTimeMs: 0, results }
  }
})
