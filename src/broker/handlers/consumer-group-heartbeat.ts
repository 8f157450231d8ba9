// ConsumerGroupHeartbeat (key 68), v0-1: the consumer group protocol (KIP-848) for clients with
// group.protocol=consumer. Epoch 0 joins (v1: with the member id the client made, KIP-1082; v0: the
// coordinator makes one), a positive epoch heartbeats and reconciles, -1 leaves, -2 lets a static
// member leave for a while. The coordinator assigns with the `uniform` (default) or `range`
// assignor and hands a partition over only once its previous owner has revoked it. Refusals as in
// Kafka 4: INVALID_REQUEST (missing or empty fields), UNSUPPORTED_ASSIGNOR,
// INVALID_REGULAR_EXPRESSION, GROUP_ID_NOT_FOUND (unknown group, or a classic group with members),
// UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID,
// GROUP_MAX_SIZE_REACHED (group.max.size, or the cluster's consumer group limit for a new group).
// The codec JSON marks v1 unstable; Kafka 4.0 released it, and clients use it. Gaps: no online
// upgrade/downgrade between classic and consumer groups with members; rack-aware assignment.
// On an IAM listener the group needs kafka-cluster:AlterGroup (GROUP_AUTHORIZATION_FAILED), and
// every subscribed topic name DescribeTopic (TOPIC_AUTHORIZATION_FAILED for the request, as Kafka
// 4 answers). Gaps: topics matched by a subscribed regex are not filtered by authorization.
import { ConsumerGroupHeartbeatApi } from '../../protocol/messages/consumer-group-heartbeat.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'
import { authorizationMessage } from '../request-access.ts'

export const consumerGroupHeartbeatHandler = defineHandler({
  api: ConsumerGroupHeartbeatApi,
  versions: { min: 0, max: 1 },
  async handle (request, context) {
    const { access } = context
    let denied = access.errorFor('group', request.groupId)
    if (denied === 0) {
      const refusedTopics = (request.subscribedTopicNames ?? []).filter(name => !access.allows('topic', name, 'subscribed-topics'))
      if (refusedTopics.length > 0) denied = access.deniedError('topic', 'subscribed-topics')
    }
    if (denied !== 0) {
      return {
        throttleTimeMs: 0, errorCode: denied, errorMessage: authorizationMessage(denied), memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null
      }
    }
    const result = await context.services.consumerGroups.heartbeat(groupRequestContext(context), request)
    return { throttleTimeMs: 0, ...result }
  }
})
