// LeaveGroup (key 13), v0-5. v0-2 name one member; v3+ several (batch leave), each by member id,
// or by group.instance.id alone (memberId '') to remove a static member as an administrator does.
// The group rebalances without them. v0-2 carry the member's error at the top level. On an IAM
// listener the group needs kafka-cluster:AlterGroup (GROUP_AUTHORIZATION_FAILED at the top level).
import { LeaveGroupApi } from '../../protocol/messages/leave-group.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'

export const leaveGroupHandler = defineHandler({
  api: LeaveGroupApi,
  versions: { min: 0, max: 5 },
  async handle (request, context) {
    if (!context.access.allows('group', request.groupId)) return { throttleTimeMs: 0, errorCode: context.access.deniedError('group'), members: [] }
    const { errorCode, members } = await context.services.groups.leaveGroup(groupRequestContext(context), request)
    if (context.apiVersion <= 2) return { throttleTimeMs: 0, errorCode: errorCode !== 0 ? errorCode : members[0]?.errorCode ?? 0, members: [] }
    return { throttleTimeMs: 0, errorCode, members }
  }
})
