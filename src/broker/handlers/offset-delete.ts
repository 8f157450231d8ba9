// OffsetDelete (key 47), v0. Removes committed offsets of a group that has no members, or of a
// consumer group for topics none of its members subscribes to (GROUP_SUBSCRIBED_TO_TOPIC, read
// from the members' consumer protocol subscriptions). Top level: GROUP_ID_NOT_FOUND,
// NON_EMPTY_GROUP (members of a non-consumer protocol), INVALID_GROUP_ID; per partition
// UNKNOWN_TOPIC_OR_PARTITION. On an IAM listener the group needs kafka-cluster:DeleteGroup
// (GROUP_AUTHORIZATION_FAILED at the top level), then each topic ReadData (TOPIC_AUTHORIZATION_FAILED
// on its partitions, whether or not it exists).
import { OffsetDeleteApi } from '../../protocol/messages/offset-delete.ts'
import { defineHandler } from '../handler.ts'
import { splitByTopicAccess } from '../topic-access.ts'

export const offsetDeleteHandler = defineHandler({
  api: OffsetDeleteApi,
  versions: { min: 0, max: 0 },
  async handle (request, context) {
    const { access } = context
    if (!access.allows('group', request.groupId)) return { errorCode: access.deniedError('group'), throttleTimeMs: 0, topics: [] }
    const { allowed, denied } = splitByTopicAccess(access, request.topics)
    const { errorCode, topics } = await context.services.groupOffsets.deleteOffsets(context.clusterId, { ...request, topics: allowed })
    return { errorCode, throttleTimeMs: 0, topics: errorCode === 0 ? [...topics, ...denied] : [] }
  }
})
