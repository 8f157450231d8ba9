// Metadata (key 3), v0-12. Advertises the live nodes as brokers and spreads partition leadership
// over them by rendezvous hashing (any node serves any partition). Topics are never auto-created
// (MSK Serverless leaves auto.create.topics.enable off); a name Kafka would refuse answers
// INVALID_TOPIC_EXCEPTION. Brokers carry the ports of the listener the client connected on
// (plaintext or TLS), so a client stays on the security protocol it chose. On an IAM listener a
// full listing leaves out the topics the principal may not describe (kafka-cluster:DescribeTopic),
// and a named one it may not describe answers TOPIC_AUTHORIZATION_FAILED whether or not it exists,
// as Kafka answers. Authorized operations (v8+, when asked) are computed from the principal's
// policies: each topic's (also for error entries, as Kafka does), and the cluster's (v8-10; 0 without
// kafka-cluster:DescribeCluster). On a listener without IAM they are everything.
import { MetadataApi, type MetadataResponseTopic } from '../../protocol/messages/metadata.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { defineHandler, type BrokerEndpoint } from '../handler.ts'
import { partitionReplicas } from '../partition-leaders.ts'
import { ZERO_UUID } from '../../protocol/primitives/reader.ts'
import { topicNameProblem } from '../topic-name.ts'
import { UNKNOWN_AUTHORIZED_OPERATIONS as UNKNOWN_OPERATIONS } from '../../security/iam/kafka-acl-operations.ts'

function describeTopic (topic: TopicRecord, brokers: BrokerEndpoint[]): MetadataResponseTopic {
  const partitions = []
  for (let partition = 0; partition < topic.partitionCount; partition++) {
    const replicas = partitionReplicas(topic.topicId, partition, brokers)
    partitions.push({
      errorCode: 0,
      partitionIndex: partition,
      leaderId: replicas[0] ?? -1,
      leaderEpoch: 0,
      replicaNodes: replicas,
      isrNodes: replicas,
      offlineReplicas: []
    })
  }
  return {
    errorCode: 0,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    partitions,
    topicAuthorizedOperations: UNKNOWN_OPERATIONS
  }
}

function missingTopic (name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: UNKNOWN_OPERATIONS }
}

export const metadataHandler = defineHandler({
  api: MetadataApi,
  versions: { min: 0, max: 12 },
  async handle (request, { services, clusterId, apiVersion, listener, access }) {
    const brokers = services.brokers(listener)
    const listAll = request.topics === null || (apiVersion === 0 && request.topics.length === 0)
    const topics: MetadataResponseTopic[] = []
    if (listAll) {
      for (const topic of services.topics.list(clusterId)) {
        if (access.allows('topic', topic.name, 'main', true)) topics.push(describeTopic(topic, brokers))
      }
    } else {
      for (const requested of request.topics ?? []) {
        const byId = requested.topicId !== ZERO_UUID
        const topic = byId
          ? services.topics.getById(clusterId, requested.topicId)
          : services.topics.get(clusterId, requested.name ?? '')
        const name = topic?.name ?? requested.name
        if (name !== null && !access.allows('topic', name)) {
          topics.push(missingTopic(name, requested.topicId, access.deniedError('topic')))
        } else if (topic !== undefined) topics.push(describeTopic(topic, brokers))
        else if (byId) topics.push(missingTopic(null, requested.topicId, ErrorCode.UNKNOWN_TOPIC_ID))
        else if (topicNameProblem(requested.name ?? '') !== undefined) {
          topics.push(missingTopic(requested.name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION))
        } else topics.push(missingTopic(requested.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      }
    }
    if (apiVersion >= 8 && request.includeTopicAuthorizedOperations) {
      for (const topic of topics) if (topic.name !== null) topic.topicAuthorizedOperations = access.authorizedOperations('topic', topic.name)
    }
    const includeClusterOperations = apiVersion >= 8 && apiVersion <= 10 && request.includeClusterAuthorizedOperations
    return {
      throttleTimeMs: 0,
      brokers: brokers.map(({ nodeId, host, port, rack }) => ({ nodeId, host, port, rack })),
      clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      topics,
      clusterAuthorizedOperations: includeClusterOperations ? access.authorizedOperations('cluster') : UNKNOWN_OPERATIONS
    }
  }
})
