// OffsetForLeaderEpoch (key 23), v2-4. Clients call it after a leader change to check that their
// position is still on the log (KIP-320). Skiff never elects leaders or truncates a log's end:
// every partition has leader epoch 0 forever, so for any requested epoch >= 0 the answer is epoch 0
// ending at the high watermark, which never reports divergence; epoch -1 gets Kafka's undefined
// answer (-1, -1). currentLeaderEpoch is not fenced: with one epoch there is nothing stale to
// fence, and a refusal would strand a client whose cached epoch Metadata can never raise.
// Unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION. On an IAM listener each topic
// needs kafka-cluster:DescribeTopic: a denied one answers TOPIC_AUTHORIZATION_FAILED on every
// partition, whether or not it exists. Gaps: none known.
import { OffsetForLeaderEpochApi, type EpochEndOffset } from '../../protocol/messages/offset-for-leader-epoch.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

const LEADER_EPOCH = 0
const UNDEFINED = -1

function partitionAnswer (partition: number, errorCode: number, epoch = UNDEFINED, offset = UNDEFINED): EpochEndOffset {
  return { errorCode, partition, leaderEpoch: epoch, endOffset: offset }
}

async function endOffset (topic: TopicRecord | undefined, partition: number, leaderEpoch: number, context: RequestContext): Promise<EpochEndOffset> {
  const answer = (errorCode: number, epoch = UNDEFINED, offset = UNDEFINED): EpochEndOffset => partitionAnswer(partition, errorCode, epoch, offset)
  if (topic === undefined || partition < 0 || partition >= topic.partitionCount) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  try {
    const { highWatermark } = await context.services.log.offsets(topic.topicId, partition)
    return leaderEpoch < 0 ? answer(0) : answer(0, LEADER_EPOCH, highWatermark)
  } catch (error) {
    if (error instanceof KafkaError) return answer(error.errorCode)
    throw error
  }
}

export const offsetForLeaderEpochHandler = defineHandler({
  api: OffsetForLeaderEpochApi,
  versions: { min: 2, max: 4 },
  async handle (request, context) {
    const { services, clusterId, access } = context
    const topics = await Promise.all(request.topics.map(async topicRequest => {
      const denied = access.errorFor('topic', topicRequest.topic)
      const topic = services.topics.get(clusterId, topicRequest.topic)
      const partitions = await Promise.all(topicRequest.partitions.map(partition => denied !== 0
        ? partitionAnswer(partition.partition, denied)
        : endOffset(topic, partition.partition, partition.leaderEpoch, context)))
      return { topic: topicRequest.topic, partitions }
    }))
    return { throttleTimeMs: 0, topics }
  }
})
