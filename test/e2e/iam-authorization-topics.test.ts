// IAM authorization of the topic, config and cluster APIs over the IAM listener (TLS + SASL
// OAUTHBEARER), driven by the project's codecs: each API allowed with the right action, denied
// without it with the exact error code (a named topic denied whether or not it exists), listings
// filtered, and the authorizedOperations bit sets computed from the policy.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { OffsetForLeaderEpochApi } from '../../src/protocol/messages/offset-for-leader-epoch.ts'
import { DescribeProducersApi } from '../../src/protocol/messages/describe-producers.ts'
import { CreateTopicsApi, type CreatableTopic } from '../../src/protocol/messages/create-topics.ts'
import { DeleteTopicsApi } from '../../src/protocol/messages/delete-topics.ts'
import { DeleteRecordsApi } from '../../src/protocol/messages/delete-records.ts'
import { CreatePartitionsApi } from '../../src/protocol/messages/create-partitions.ts'
import { DescribeConfigsApi } from '../../src/protocol/messages/describe-configs.ts'
import { AlterConfigsApi } from '../../src/protocol/messages/alter-configs.ts'
import { IncrementalAlterConfigsApi } from '../../src/protocol/messages/incremental-alter-configs.ts'
import { DescribeClusterApi } from '../../src/protocol/messages/describe-cluster.ts'
import { aclOperationNames } from '../../src/security/iam/kafka-acl-operations.ts'
import { startIamNode } from '../helpers/iam-node.ts'
import { allow, arn, connectAdmin, connectAs } from '../helpers/iam-policies.ts'
import { createTopics } from '../helpers/wire-client.ts'

const TOPIC = 2
const BROKER = 4
const { TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED } = ErrorCode

function newTopic (name: string): CreatableTopic {
  return { name, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }
}

test('IAM authorization of topic, config and cluster APIs', async t => {
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'orders', partitions: 2 }, { name: 'payments' }, { name: 'audit-log' }])

  await t.test('Metadata lists only describable topics, answers 29 for named ones whether or not they exist, and reports operations', async t => {
    const { client } = await connectAs(t, node, 'metadata-reader', [
      allow(['DescribeTopic'], [arn.topic('or*')]),
      allow(['ReadData', 'WriteData'], [arn.topic('audit-log')])
    ])
    const all = await client.request(MetadataApi, 10, {
      topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true
    })
    // audit-log is described through Kafka's implication (ReadData and WriteData imply DescribeTopic).
    assert.deepEqual(all.topics.map(topic => topic.name).sort(), ['audit-log', 'orders'])
    const operations = Object.fromEntries(all.topics.map(topic => [topic.name, aclOperationNames(topic.topicAuthorizedOperations)]))
    assert.deepEqual(operations, { orders: ['DESCRIBE'], 'audit-log': ['READ', 'WRITE', 'DESCRIBE'] })
    assert.equal(all.clusterAuthorizedOperations, 0, 'no DescribeCluster: no cluster operations, as Kafka reports')

    const named = await client.request(MetadataApi, 12, {
      topics: ['payments', 'no-such-topic', 'orders'].map(name => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false
    })
    assert.deepEqual(named.topics.map(topic => [topic.name, topic.errorCode]),
      [['payments', TOPIC_AUTHORIZATION_FAILED], ['no-such-topic', TOPIC_AUTHORIZATION_FAILED], ['orders', 0]])
  })

  await t.test('ListOffsets and OffsetForLeaderEpoch need DescribeTopic on each topic', async t => {
    const { client } = await connectAs(t, node, 'offsets-reader', [allow(['DescribeTopic'], [arn.topic('orders')])])
    const listed = await client.request(ListOffsetsApi, 7, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 1000,
      topics: [['orders', 2], ['payments', 1], ['no-such-topic', 1]].map(([name, count]) => ({
        name: name as string,
        partitions: Array.from({ length: count as number }, (_, partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }))
      }))
    })
    assert.deepEqual(listed.topics.map(topic => [topic.name, topic.partitions.map(partition => partition.errorCode)]),
      [['orders', [0, 0]], ['payments', [TOPIC_AUTHORIZATION_FAILED]], ['no-such-topic', [TOPIC_AUTHORIZATION_FAILED]]])

    const epochs = await client.request(OffsetForLeaderEpochApi, 4, {
      replicaId: -1,
      topics: ['orders', 'payments', 'no-such-topic'].map(topic => ({ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }))
    })
    assert.deepEqual(epochs.topics.map(topic => [topic.topic, topic.partitions[0]?.errorCode]),
      [['orders', 0], ['payments', TOPIC_AUTHORIZATION_FAILED], ['no-such-topic', TOPIC_AUTHORIZATION_FAILED]])
  })

  await t.test('DescribeProducers needs ReadData, not DescribeTopic', async t => {
    const request = { topics: [{ name: 'orders', partitionIndexes: [0] }, { name: 'payments', partitionIndexes: [0] }] }
    const { client: describer } = await connectAs(t, node, 'producers-describer', [allow(['DescribeTopic'], [arn.topic('*')])])
    const denied = await describer.request(DescribeProducersApi, 0, request)
    assert.deepEqual(denied.topics.map(topic => topic.partitions[0]?.errorCode), [TOPIC_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED])
    const { client: reader } = await connectAs(t, node, 'producers-reader', [allow(['ReadData'], [arn.topic('orders')])])
    const allowed = await reader.request(DescribeProducersApi, 0, request)
    assert.deepEqual(allowed.topics.map(topic => topic.partitions[0]?.errorCode), [0, TOPIC_AUTHORIZATION_FAILED])
  })

  await t.test('CreateTopics needs CreateTopic and returns configs only with DescribeTopicDynamicConfiguration', async t => {
    const { client } = await connectAs(t, node, 'creator', [allow(['CreateTopic'], [arn.topic('new-*')])])
    const created = await client.request(CreateTopicsApi, 7, {
      topics: [newTopic('new-a'), newTopic('orders'), newTopic('other-b')], timeoutMs: 5000, validateOnly: false
    })
    const byName = new Map(created.topics.map(topic => [topic.name, topic]))
    assert.equal(byName.get('new-a')?.errorCode, 0)
    assert.notEqual(byName.get('new-a')?.topicId, ZERO_UUID)
    assert.equal(byName.get('new-a')?.topicConfigErrorCode, TOPIC_AUTHORIZATION_FAILED)
    assert.deepEqual([byName.get('new-a')?.numPartitions, byName.get('new-a')?.configs], [-1, []])
    assert.equal(byName.get('orders')?.errorCode, TOPIC_AUTHORIZATION_FAILED, 'an existing topic is denied, not TOPIC_ALREADY_EXISTS')
    assert.equal(byName.get('other-b')?.errorCode, TOPIC_AUTHORIZATION_FAILED)

    const { client: describing } = await connectAs(t, node, 'creator-with-configs', [
      allow(['CreateTopic', 'DescribeTopicDynamicConfiguration'], [arn.topic('new-*')])
    ])
    const [checked] = (await describing.request(CreateTopicsApi, 7, { topics: [newTopic('new-c')], timeoutMs: 5000, validateOnly: true })).topics
    assert.equal(checked?.errorCode, 0)
    assert.equal(checked?.topicConfigErrorCode, 0)
    assert.equal(checked?.numPartitions, 1)
    assert.ok((checked?.configs ?? []).some(config => config.name === 'retention.ms'))
  })

  await t.test('DeleteTopics needs DeleteTopic: by name before the lookup, by id once found', async t => {
    const admin = await connectAdmin(t, node)
    await createTopics(node.bootstrap, [{ name: 'doomed' }])
    const metadata = await admin.request(MetadataApi, 12, {
      topics: [{ topicId: ZERO_UUID, name: 'orders' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
    })
    const ordersId = metadata.topics[0]!.topicId
    const { client } = await connectAs(t, node, 'deleter', [allow(['DeleteTopic'], [arn.topic('doomed')])])
    const unknownId = randomUUID()
    const deleted = await client.request(DeleteTopicsApi, 6, {
      topicNames: [],
      timeoutMs: 5000,
      topics: [{ name: 'doomed', topicId: ZERO_UUID }, { name: 'orders', topicId: ZERO_UUID }, { name: 'no-such-topic', topicId: ZERO_UUID },
        { name: null, topicId: ordersId }, { name: null, topicId: unknownId }]
    })
    assert.deepEqual(deleted.responses.map(result => [result.name, result.topicId === ZERO_UUID ? 'zero' : result.topicId, result.errorCode]), [
      ['doomed', deleted.responses[0]!.topicId, 0],
      ['orders', 'zero', TOPIC_AUTHORIZATION_FAILED],
      ['no-such-topic', 'zero', TOPIC_AUTHORIZATION_FAILED],
      [null, ordersId, TOPIC_AUTHORIZATION_FAILED],
      [null, unknownId, ErrorCode.UNKNOWN_TOPIC_ID]
    ])
  })

  await t.test('DeleteRecords needs DeleteTopic and CreatePartitions AlterTopic', async t => {
    const { client } = await connectAs(t, node, 'topic-admin', [allow(['DeleteTopic'], [arn.topic('audit-log')]), allow(['AlterTopic'], [arn.topic('orders')])])
    const records = await client.request(DeleteRecordsApi, 2, {
      timeoutMs: 5000, topics: ['audit-log', 'orders'].map(name => ({ name, partitions: [{ partitionIndex: 0, offset: -1 }] }))
    })
    assert.deepEqual(records.topics.map(topic => [topic.name, topic.partitions[0]?.errorCode]), [['audit-log', 0], ['orders', TOPIC_AUTHORIZATION_FAILED]])

    const partitions = await client.request(CreatePartitionsApi, 3, {
      timeoutMs: 5000, validateOnly: true, topics: ['orders', 'payments', 'no-such-topic'].map(name => ({ name, count: 4, assignments: null }))
    })
    assert.deepEqual(partitions.results.map(result => [result.name, result.errorCode]),
      [['orders', 0], ['payments', TOPIC_AUTHORIZATION_FAILED], ['no-such-topic', TOPIC_AUTHORIZATION_FAILED]])
  })

  await t.test('DescribeConfigs: topic configuration actions per topic, the cluster\'s for brokers', async t => {
    const resources = [
      ...['orders', 'payments', 'audit-log', 'no-such-topic'].map(resourceName => ({ resourceType: TOPIC, resourceName, configurationKeys: null })),
      { resourceType: BROKER, resourceName: '', configurationKeys: null }
    ]
    const { client } = await connectAs(t, node, 'config-reader', [
      allow(['DescribeTopicDynamicConfiguration'], [arn.topic('orders')]),
      allow(['AlterTopicDynamicConfiguration'], [arn.topic('payments')])
    ])
    const described = await client.request(DescribeConfigsApi, 4, { resources, includeSynonyms: false, includeDocumentation: false })
    assert.deepEqual(described.results.map(result => result.errorCode),
      [0, 0, TOPIC_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED])
    assert.ok(described.results[0]!.configs.length > 0)

    const { client: operator } = await connectAs(t, node, 'cluster-config-reader', [allow(['DescribeClusterDynamicConfiguration'], [arn.cluster])])
    const broker = await operator.request(DescribeConfigsApi, 4, { resources: resources.slice(4), includeSynonyms: false, includeDocumentation: false })
    assert.equal(broker.results[0]?.errorCode, 0)
  })

  await t.test('AlterConfigs and IncrementalAlterConfigs: AlterTopicDynamicConfiguration per topic, the cluster\'s for brokers', async t => {
    const targets = [[TOPIC, 'orders'], [TOPIC, 'payments'], [BROKER, '']] as const
    const { client } = await connectAs(t, node, 'config-writer', [allow(['AlterTopicDynamicConfiguration'], [arn.topic('orders')])])
    const legacy = await client.request(AlterConfigsApi, 2, {
      validateOnly: true,
      resources: targets.map(([resourceType, resourceName]) => ({ resourceType, resourceName, configs: [{ name: 'retention.ms', value: '3600000' }] }))
    })
    assert.deepEqual(legacy.responses.map(result => result.errorCode), [0, TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED])
    const incremental = await client.request(IncrementalAlterConfigsApi, 1, {
      validateOnly: true,
      resources: targets.map(([resourceType, resourceName]) => ({
        resourceType, resourceName, configs: [{ name: 'retention.ms', configOperation: 0, value: '3600000' }]
      }))
    })
    assert.deepEqual(incremental.responses.map(result => result.errorCode), [0, TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED])

    const { client: operator } = await connectAs(t, node, 'cluster-config-writer', [allow(['AlterClusterDynamicConfiguration'], [arn.cluster])])
    const broker = await operator.request(IncrementalAlterConfigsApi, 1, {
      validateOnly: true, resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '1' }] }]
    })
    assert.equal(broker.responses[0]?.errorCode, ErrorCode.POLICY_VIOLATION, 'authorized, then refused as the service sets broker configs')
  })

  await t.test('DescribeCluster needs DescribeCluster and reports the cluster operations the policy allows', async t => {
    const { client: outsider } = await connectAs(t, node, 'cluster-outsider', [allow(['DescribeTopic'], [arn.topic('*')])])
    const denied = await outsider.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    assert.equal(denied.errorCode, CLUSTER_AUTHORIZATION_FAILED)
    assert.deepEqual(denied.brokers, [])

    const { client } = await connectAs(t, node, 'cluster-describer', [allow(['DescribeCluster', 'WriteDataIdempotently'], [arn.cluster])])
    const described = await client.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    assert.equal(described.errorCode, 0)
    assert.equal(described.brokers.length, 1)
    assert.deepEqual(aclOperationNames(described.clusterAuthorizedOperations), ['DESCRIBE', 'IDEMPOTENT_WRITE'])

    const plaintext = await connectAdmin(t, node)
    const everything = await plaintext.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    assert.deepEqual(aclOperationNames(everything.clusterAuthorizedOperations), ['ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'],
      'the plaintext listener enforces nothing')
  })
})
