// OffsetFetch (key 9), v1-9 (Kafka 4 dropped v0). The committed offsets of the named partitions, or
// of every partition (topics null, v2+); several groups in one request from v8. A partition without
// a commit, of an unknown topic or of an unknown group answers offset -1 without error, as Kafka
// does. requireStable (v7+) waits for the group's commits in flight, and a partition with offsets
// waiting in an ongoing transaction answers UNSTABLE_OFFSET_COMMIT (the client retries) as Kafka
// does. v9 carries a member id and epoch: for a consumer-protocol (KIP-848) group they are checked
// (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH, per group) unless both are absent (admin tools).
import { OffsetFetchApi, type OffsetFetchResponse } from '../../protocol/messages/offset-fetch.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { FetchedTopic } from '../../coordinators/group/group-offsets.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

async function fetchGroup (context: RequestContext, groupId: string, topics: Parameters<RequestContext['services']['groupOffsets']['fetchOffsets']>[2],
  requireStable: boolean): Promise<FetchedTopic[]> {
  const { services, clusterId } = context
  const fetched = await services.groupOffsets.fetchOffsets(clusterId, groupId, topics, requireStable)
  if (!requireStable) return fetched
  const pending = await services.transactions.pendingOffsetPartitions(clusterId, groupId)
  if (pending.length === 0) return fetched
  const unstable = new Set(pending.map(({ topicId, partition }) => `${services.topics.getById(clusterId, topicId)?.name ?? ''}:${partition}`))
  for (const topic of fetched) {
    for (const partition of topic.partitions) {
      if (!unstable.has(`${topic.name}:${partition.partitionIndex}`)) continue
      partition.errorCode = ErrorCode.UNSTABLE_OFFSET_COMMIT
      partition.committedOffset = -1
    }
  }
  return fetched
}

export const offsetFetchHandler = defineHandler({
  api: OffsetFetchApi,
  versions: { min: 1, max: 9 },
  async handle (request, context): Promise<OffsetFetchResponse> {
    const { services, clusterId, apiVersion } = context
    const requireStable = apiVersion >= 7 && request.requireStable
    if (apiVersion >= 8) {
      const groups = []
      for (const group of request.groups) {
        const memberError = apiVersion >= 9
          ? services.consumerGroups.validateOffsetFetch(clusterId, group.groupId, group.memberId, group.memberEpoch)
          : undefined
        if (memberError !== undefined && memberError !== 0) {
          context.logger.info({ group: group.groupId, memberId: group.memberId, memberEpoch: group.memberEpoch, errorCode: memberError }, 'OffsetFetch refused')
          groups.push({ groupId: group.groupId, topics: [], errorCode: memberError })
          continue
        }
        const topics = await fetchGroup(context, group.groupId, group.topics, requireStable)
        groups.push({ groupId: group.groupId, topics, errorCode: 0 })
      }
      return { throttleTimeMs: 0, topics: [], errorCode: 0, groups }
    }
    const topics = await fetchGroup(context, request.groupId, request.topics, requireStable)
    return { throttleTimeMs: 0, topics, errorCode: 0, groups: [] }
  }
})
