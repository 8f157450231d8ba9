// OffsetFetch (key 9), v1-9 (Kafka 4 dropped v0). The committed offsets of the named partitions, or
// of every partition (topics null, v2+); several groups in one request from v8. A partition without
// a commit, of an unknown topic or of an unknown group answers offset -1 without error, as Kafka
// does. requireStable (v7+) waits for the group's commits in flight. v9 carries a member id and
// epoch: for a consumer-protocol (KIP-848) group they are checked (UNKNOWN_MEMBER_ID,
// STALE_MEMBER_EPOCH, per group) unless both are absent (admin tools). Gaps: no transactional
// offsets yet, so nothing is ever UNSTABLE_OFFSET_COMMIT.
import { OffsetFetchApi, type OffsetFetchResponse } from '../../protocol/messages/offset-fetch.ts'
import { defineHandler } from '../handler.ts'

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
        const topics = await services.groupOffsets.fetchOffsets(clusterId, group.groupId, group.topics, requireStable)
        groups.push({ groupId: group.groupId, topics, errorCode: 0 })
      }
      return { throttleTimeMs: 0, topics: [], errorCode: 0, groups }
    }
    const topics = await services.groupOffsets.fetchOffsets(clusterId, request.groupId, request.topics, requireStable)
    return { throttleTimeMs: 0, topics, errorCode: 0, groups: [] }
  }
})
