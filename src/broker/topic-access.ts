// How a request over topics and partitions answers what the principal may not do (spec 4.3):
// every partition of a denied topic gets the check's error (TOPIC_AUTHORIZATION_FAILED) without
// the topic being looked up, so the answer is the same whether or not it exists, as Kafka answers;
// the handler serves only the allowed topics. A whole request refused by an earlier check (the
// group, the transactional id) answers every partition with that check's error.
import type { KafkaCheckPurpose } from '../security/iam/kafka-api-checks.ts'
import type { RequestAccess } from './request-access.ts'

export interface RequestedTopic {
  name: string
  partitions: ReadonlyArray<{ partitionIndex: number }>
}

export interface TopicPartitionErrors {
  name: string
  partitions: Array<{ partitionIndex: number, errorCode: number }>
}

/** Every partition of every topic answered with one error code. */
export function topicPartitionErrors (topics: readonly RequestedTopic[], errorCode: number): TopicPartitionErrors[] {
  return topics.map(({ name, partitions }) => ({ name, partitions: partitions.map(({ partitionIndex }) => ({ partitionIndex, errorCode })) }))
}

/** The topics the API's topic check allows, and the answers for the ones it denies (each denial logged). */
export function splitByTopicAccess<Topic extends RequestedTopic> (
  access: RequestAccess, topics: readonly Topic[], purpose: KafkaCheckPurpose = 'main'
): { allowed: Topic[], denied: TopicPartitionErrors[] } {
  const allowed: Topic[] = []
  const refused: Topic[] = []
  for (const topic of topics) (access.allows('topic', topic.name, purpose) ? allowed : refused).push(topic)
  return { allowed, denied: topicPartitionErrors(refused, access.deniedError('topic', purpose)) }
}
