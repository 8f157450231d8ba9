// OffsetFetch (key 9), v1-9 (Kafka 4 dropped v0). The committed offsets of the named partitions, or
// of every partition (topics null, v2+); several groups in one request from v8. A partition without
// a commit, of an unknown topic or of an unknown group answers offset -1 without error, as Kafka
// does. requireStable (v7+) waits for the group's commits in flight, and a partition with offsets
// waiting in an ongoing transaction answers UNSTABLE_OFFSET_COMMIT (the client retries) as Kafka
// does. v9 carries a member id and epoch: for a consumer-protocol (KIP-848) group they are checked
// (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH, per group) unless both are absent (admin tools).
// On an IAM listener each group needs kafka-cluster:DescribeGroup, checked first
// (GROUP_AUTHORIZATION_FAILED: per partition in v1, at the top level in v2-7, per group from v8),
// then each named topic DescribeTopic (TOPIC_AUTHORIZATION_FAILED on its partitions, whether or
// not it exists); a fetch of every topic leaves out the topics the principal may not describe.
import { OffsetFetchApi, type OffsetFetchRequestTopic, type OffsetFetchResponse } from '../../protocol/messages/offset-fetch.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { FetchedTopic } from '../../coordinators/group/group-offsets.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

function failedTopic ({ name, partitionIndexes }: OffsetFetchRequestTopic, errorCode: number): FetchedTopic {
  return {
    name,
    partitions: partitionIndexes.map(partitionIndex => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode }))
  }
}

async function fetchGroup (context: RequestContext, groupId: string, topics: OffsetFetchRequestTopic[] | null, requireStable: boolean): Promise<FetchedTopic[]> {
  const { services, clusterId, access } = context
  const allowed: OffsetFetchRequestTopic[] = []
  const denied: FetchedTopic[] = []
  for (const topic of topics ?? []) {
    if (access.allows('topic', topic.name)) allowed.push(topic)
    else denied.push(failedTopic(topic, access.deniedError('topic')))
  }
  let fetched = await services.groupOffsets.fetchOffsets(clusterId, groupId, topics === null ? null : allowed, requireStable)
  if (topics === null) fetched = fetched.filter(topic => access.allows('topic', topic.name, 'main', true))
  if (requireStable) await markUnstable(context, groupId, fetched)
  return [...fetched, ...denied]
}

/** Partitions with offsets waiting in an ongoing transaction answer UNSTABLE_OFFSET_COMMIT. */
async function markUnstable (context: RequestContext, groupId: string, fetched: FetchedTopic[]): Promise<void> {
  const { services, clusterId } = context
  const pending = await services.transactions.pendingOffsetPartitions(clusterId, groupId)
  if (pending.length === 0) return
  const unstable = new Set(pending.map(({ topicId, partition }) => `${services.topics.getById(clusterId, topicId)?.name ?? ''}:${partition}`))
  for (const topic of fetched) {
    for (const partition of topic.partitions) {
      if (!unstable.has(`${topic.name}:${partition.partitionIndex}`)) continue
      partition.errorCode = ErrorCode.UNSTABLE_OFFSET_COMMIT
      partition.committedOffset = -1
    }
  }
}

export const offsetFetchHandler = defineHandler({
  api: OffsetFetchApi,
  versions: { min: 1, max: 9 },
  async handle (request, context): Promise<OffsetFetchResponse> {
    const { services, clusterId, apiVersion, access } = context
    const requireStable = apiVersion >= 7 && request.requireStable
    if (apiVersion >= 8) {
      const groups = []
      for (const group of request.groups) {
        if (!access.allows('group', group.groupId)) {
          groups.push({ groupId: group.groupId, topics: [], errorCode: access.deniedError('group') })
          continue
        }
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
    if (!access.allows('group', request.groupId)) {
      const errorCode = access.deniedError('group')
      // v1 has no top-level error code: Kafka puts the error on every requested partition.
      const topics = apiVersion < 2 ? (request.topics ?? []).map(topic => failedTopic(topic, errorCode)) : []
      return { throttleTimeMs: 0, topics, errorCode, groups: [] }
    }
    const topics = await fetchGroup(context, request.groupId, request.topics, requireStable)
    return { throttleTimeMs: 0, topics, errorCode: 0, groups: [] }
  }
})
