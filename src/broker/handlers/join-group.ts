// JoinGroup (key 11), v0-9. Classic consumer groups: v4+ new members get MEMBER_ID_REQUIRED and
// rejoin with their id; the group waits group.initial.rebalance.delay.ms for more members, picks the
// protocol all members support that most prefer, and answers every member once the join phase
// ends, the leader with all members' metadata. Static members (group.instance.id) rejoin without a
// rebalance when nothing changed (v9: the leader may skip the assignment). Refusals:
// INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT (outside groups.min/maxSessionTimeoutMs),
// INCONSISTENT_GROUP_PROTOCOL, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, MESSAGE_TOO_LARGE (member
// metadata above groups.maxMemberMetadataBytes), and GROUP_MAX_SIZE_REACHED both beyond
// group.max.size and for a new group beyond the cluster's consumer group limit
// (limits.consumerGroupsPerCluster). MSK does not document its answer at that limit; of the codes
// a client could get, this one is non-retriable in librdkafka, KafkaJS and Java (which fail with
// it instead of retrying as they would COORDINATOR_NOT_AVAILABLE) and names a group size limit,
// where GROUP_AUTHORIZATION_FAILED would send users to their IAM policies. The node logs the limit.
// On an IAM listener the group needs kafka-cluster:AlterGroup (GROUP_AUTHORIZATION_FAILED).
import { JoinGroupApi } from '../../protocol/messages/join-group.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'
import { joinError } from '../../coordinators/group/classic-group-state.ts'

export const joinGroupHandler = defineHandler({
  api: JoinGroupApi,
  versions: { min: 0, max: 9 },
  async handle (request, context) {
    if (!context.access.allows('group', request.groupId)) {
      return { throttleTimeMs: 0, ...joinError(request.memberId, context.access.deniedError('group')) }
    }
    const result = await context.services.groups.joinGroup(groupRequestContext(context), request)
    return { throttleTimeMs: 0, ...result }
  }
})
