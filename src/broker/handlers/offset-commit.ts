// OffsetCommit (key 8), v2-9 (Kafka 4 dropped v0-1). Group members commit with their generation and
// member id (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS
// before their assignment); generation -1 commits for a group without members, creating it within
// the cluster's group limit (GROUP_MAX_SIZE_REACHED beyond), as assign() + commit clients and admin
// tools do. Per partition: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE (metadata above
// offset.metadata.max.bytes, 4096). A group that does not exist answers GROUP_ID_NOT_FOUND from v9,
// ILLEGAL_GENERATION before. Members of a consumer-protocol (KIP-848) group commit with v9 and
// their member epoch: UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH for another epoch, UNSUPPORTED_VERSION
// below v9; epoch -1 commits only while the group has no members. On an IAM listener the group
// needs kafka-cluster:AlterGroup (checked first: GROUP_AUTHORIZATION_FAILED on every partition),
// then each topic ReadData (TOPIC_AUTHORIZATION_FAILED on its partitions, whether or not it exists).
// Gaps: retentionTimeMs (v2-4) is ignored; offsets do not expire yet.
import { OffsetCommitApi } from '../../protocol/messages/offset-commit.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'
import { splitByTopicAccess, topicPartitionErrors } from '../topic-access.ts'

export const offsetCommitHandler = defineHandler({
  api: OffsetCommitApi,
  versions: { min: 2, max: 9 },
  async handle (request, context) {
    const { access } = context
    if (!access.allows('group', request.groupId)) {
      return { throttleTimeMs: 0, topics: topicPartitionErrors(request.topics, access.deniedError('group')) }
    }
    const { allowed, denied } = splitByTopicAccess(access, request.topics)
    const topics = await context.services.groupOffsets.commitOffsets(groupRequestContext(context), { ...request, topics: allowed })
    return { throttleTimeMs: 0, topics: [...topics, ...denied] }
  }
})
