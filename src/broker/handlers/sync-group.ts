// SyncGroup (key 14), v0-5. The leader's assignment goes to every member of the generation
// (members it left out get an empty one); followers wait for it. Refusals: UNKNOWN_MEMBER_ID,
// FENCED_INSTANCE_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, INCONSISTENT_GROUP_PROTOCOL (v5
// protocol type or name other than the group's), MESSAGE_TOO_LARGE for an assignment above
// groups.maxMemberMetadataBytes, INVALID_GROUP_ID. On an IAM listener the group needs
// kafka-cluster:AlterGroup (GROUP_AUTHORIZATION_FAILED).
import { SyncGroupApi } from '../../protocol/messages/sync-group.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'
import { syncError } from '../../coordinators/group/classic-group-state.ts'

export const syncGroupHandler = defineHandler({
  api: SyncGroupApi,
  versions: { min: 0, max: 5 },
  async handle (request, context) {
    if (!context.access.allows('group', request.groupId)) {
      return { throttleTimeMs: 0, ...syncError(context.access.deniedError('group')) }
    }
    const result = await context.services.groups.syncGroup(groupRequestContext(context), request)
    return { throttleTimeMs: 0, ...result }
  }
})
