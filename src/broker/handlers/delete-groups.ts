// DeleteGroups (key 42), v0-2. Deletes groups without members together with their committed
// offsets; NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND for unknown groups,
// INVALID_GROUP_ID for an empty id. A deleted group frees its place under the cluster's limit.
// On an IAM listener each group needs kafka-cluster:DeleteGroup (GROUP_AUTHORIZATION_FAILED for it).
import { DeleteGroupsApi } from '../../protocol/messages/delete-groups.ts'
import { defineHandler } from '../handler.ts'

export const deleteGroupsHandler = defineHandler({
  api: DeleteGroupsApi,
  versions: { min: 0, max: 2 },
  async handle (request, { services, clusterId, access }) {
    const allowed = request.groupsNames.filter(groupId => access.allows('group', groupId))
    const deleted = new Map((await services.groups.deleteGroups(clusterId, allowed)).map(result => [result.groupId, result]))
    const results = request.groupsNames.map(groupId => deleted.get(groupId) ?? { groupId, errorCode: access.deniedError('group') })
    return { throttleTimeMs: 0, results }
  }
})
