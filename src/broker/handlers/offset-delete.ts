// OffsetDelete (key 47), v0. Removes committed offsets of a group that has no members, or of a
// consumer group for topics none of its members subscribes to (GROUP_SUBSCRIBED_TO_TOPIC, read
// from the members' consumer protocol subscriptions). Top level: GROUP_ID_NOT_FOUND,
// NON_EMPTY_GROUP (members of a non-consumer protocol), INVALID_GROUP_ID; per partition
// UNKNOWN_TOPIC_OR_PARTITION.
import { OffsetDeleteApi } from '../../protocol/messages/offset-delete.ts'
import { defineHandler } from '../handler.ts'

export const offsetDeleteHandler = defineHandler({
  api: OffsetDeleteApi,
  versions: { min: 0, max: 0 },
  async handle (request, context) {
    const { errorCode, topics } = await context.services.groupOffsets.deleteOffsets(context.clusterId, request)
    return { errorCode, throttleTimeMs: 0, topics }
  }
})
