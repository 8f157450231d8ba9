// Heartbeat (key 12), v0-4. Keeps a classic group member's session alive; answers
// REBALANCE_IN_PROGRESS during a rebalance, ILLEGAL_GENERATION for another generation,
// UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID for members the group does not know. On an IAM listener
// the group needs kafka-cluster:AlterGroup (GROUP_AUTHORIZATION_FAILED). Gaps: none known.
import { HeartbeatApi } from '../../protocol/messages/heartbeat.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'

export const heartbeatHandler = defineHandler({
  api: HeartbeatApi,
  versions: { min: 0, max: 4 },
  async handle (request, context) {
    const { groupId, memberId, groupInstanceId, generationId } = request
    if (!context.access.allows('group', groupId)) return { throttleTimeMs: 0, errorCode: context.access.deniedError('group') }
    const errorCode = await context.services.groups.heartbeat(groupRequestContext(context), groupId, memberId, groupInstanceId, generationId)
    return { throttleTimeMs: 0, errorCode }
  }
})
