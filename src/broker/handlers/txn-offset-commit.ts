// TxnOffsetCommit (key 28), v0-4: offsets a transactional producer commits for a consumer group
// as part of its transaction (consume-transform-produce). They are stored when the transaction
// commits and dropped when it aborts. The group's member and generation are checked as for
// OffsetCommit when the client sends them (v3+). On an IAM listener, checked first: the
// transactional id needs kafka-cluster:AlterTransactionalId (TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// then the group AlterGroup (GROUP_AUTHORIZATION_FAILED), each on every partition; then each topic
// ReadData (TOPIC_AUTHORIZATION_FAILED on its partitions, whether or not it exists).
import { TxnOffsetCommitApi } from '../../protocol/messages/txn-offset-commit.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CommittedOffset } from '../../storage/catalog.ts'
import { defineHandler } from '../handler.ts'
import { groupRequestContext } from '../group-context.ts'
import { transactionErrorFor } from '../transaction-errors.ts'
import { splitByTopicAccess, topicPartitionErrors } from '../topic-access.ts'

export const txnOffsetCommitHandler = defineHandler({
  api: TxnOffsetCommitApi,
  versions: { min: 0, max: 4 },
  async handle (request, context) {
    const { services, clusterId, apiVersion, logger, access } = context
    const refused = access.firstError(['transactional-id', request.transactionalId], ['group', request.groupId])
    if (refused !== 0) return { throttleTimeMs: 0, topics: topicPartitionErrors(request.topics, refused) }
    const { allowed, denied } = splitByTopicAccess(access, request.topics)
    const nowMs = services.clock.nowMs()
    const offsets: CommittedOffset[] = []
    const maxMetadata = services.config.groups.offsetMetadataMaxBytes
    const codes = allowed.map(({ name, partitions }) => {
      const topic = services.topics.get(clusterId, name)
      return partitions.map(partition => {
        if (topic === undefined || partition.partitionIndex < 0 || partition.partitionIndex >= topic.partitionCount) {
          return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        }
        if (partition.committedMetadata !== null && partition.committedMetadata.length > maxMetadata) return ErrorCode.OFFSET_METADATA_TOO_LARGE
        offsets.push({
          topicId: topic.topicId,
          partition: partition.partitionIndex,
          committedOffset: partition.committedOffset,
          leaderEpoch: apiVersion >= 2 ? partition.committedLeaderEpoch : -1,
          metadata: partition.committedMetadata ?? '',
          commitTimestampMs: nowMs
        })
        return -1
      })
    })
    let errorCode = 0
    if (request.groupId === '') errorCode = ErrorCode.INVALID_GROUP_ID
    else if (offsets.length > 0) {
      errorCode = transactionErrorFor(await services.transactions.commitOffsets({
        clusterId, transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch
      }, request.groupId, offsets, () => services.groupOffsets.validateTransactionalCommit(groupRequestContext(context), {
        groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId, generationId: request.generationId
      })), apiVersion, 3)
    }
    if (errorCode !== 0) logger.info({ transactionalId: request.transactionalId, groupId: request.groupId, errorCode }, 'TxnOffsetCommit refused')
    return {
      throttleTimeMs: 0,
      topics: [...allowed.map(({ name, partitions }, topicIndex) => ({
        name,
        partitions: partitions.map(({ partitionIndex }, index) => {
          const code = codes[topicIndex]![index]!
          return { partitionIndex, errorCode: code === -1 ? errorCode : code }
        })
      })), ...denied]
    }
  }
})
