// The consumer group protocol (KIP-848) end to end with the real @platformatic/kafka 1.x consumer
// (groupProtocol 'consumer'; Debian's librdkafka 2.0.2 predates group.protocol=consumer): two then
// three consumers on a 6-partition topic and one leaving, every partition owned exactly once after
// each change (as the coordinator and as the clients see it), records consumed with commits and
// none lost across the rebalances; ConsumerGroupDescribe, ListGroups and DescribeGroups output; and
// bad ConsumerGroupHeartbeat / OffsetCommit input over a raw connection answered with Kafka's codes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { ErrorCode, errorName } from '../../src/protocol/error-codes.ts'
import { ConsumerGroupDescribeApi, type DescribedGroup } from '../../src/protocol/messages/consumer-group-describe.ts'
import { ConsumerGroupHeartbeatApi, type ConsumerGroupHeartbeatRequest } from '../../src/protocol/messages/consumer-group-heartbeat.ts'
import { DescribeGroupsApi } from '../../src/protocol/messages/describe-groups.ts'
import { ListGroupsApi } from '../../src/protocol/messages/list-groups.ts'
import { OffsetCommitApi } from '../../src/protocol/messages/offset-commit.ts'
import { OffsetFetchApi } from '../../src/protocol/messages/offset-fetch.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const TOPIC = 'kip848-events'
const GROUP = 'kip848-group'
const PARTITIONS = 6

test('KIP-848 consumer groups with @platformatic/kafka (groupProtocol consumer)', async t => {
  const { bootstrap } = await startTestNode(t, { config: { groups: { consumerHeartbeatIntervalMs: 300 } } })
  await createTopics(bootstrap, [{ name: TOPIC, partitions: PARTITIONS }])
  const wire = await WireClient.connect(bootstrap)
  t.after(() => wire.close())
  const clientOptions = { bootstrapBrokers: [bootstrap], retries: 5, timeout: 20_000 }

  const producer = new Producer({ clientId: 'kip848-producer', ...clientOptions, serializers: stringSerializers, acks: ProduceAcks.ALL })
  t.after(() => producer.close())
  const produced = new Set<string>()
  let sequence = 0
  const produce = async (perPartition: number): Promise<void> => {
    const messages = []
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let index = 0; index < perPartition; index++) messages.push({ topic: TOPIC, partition, key: `k${partition}`, value: `v${sequence++}` })
    }
    await producer.send({ messages })
    for (const message of messages) produced.add(message.value)
  }

  const consumed = new Map<string, string[]>()
  const consumers = new Map<string, Consumer<string, string, string, string>>()
  const startConsumer = async (name: string): Promise<void> => {
    const consumer = new Consumer({
      clientId: name, groupId: GROUP, groupProtocol: 'consumer', ...clientOptions, deserializers: stringDeserializers
    })
    consumers.set(name, consumer)
    t.after(() => consumer.close(true))
    const stream = await consumer.consume({
      topics: [TOPIC], mode: MessagesStreamModes.COMMITTED, fallbackMode: 'earliest', autocommit: false, maxWaitTime: 200
    })
    stream.on('data', message => {
      consumed.set(message.value, [...(consumed.get(message.value) ?? []), name])
      void (message.commit() as Promise<void>).catch(() => {})
    })
    stream.on('error', () => {})
  }

  const describe = async (): Promise<DescribedGroup> => {
    const response = await wire.request(ConsumerGroupDescribeApi, 0, { groupIds: [GROUP], includeAuthorizedOperations: false })
    return response.groups[0]!
  }
  /** Waits until the group is Stable with these members, each partition owned once, and the clients see the same. */
  const waitForBalanced = async (names: string[]): Promise<DescribedGroup> => await waitFor(async () => {
    const group = await describe()
    if (group.groupState !== 'Stable' || group.members.length !== names.length) return false
    const owned = group.members.flatMap(member => member.assignment.topicPartitions.flatMap(({ partitions }) => partitions)).sort((a, b) => a - b)
    if (owned.join() !== '0,1,2,3,4,5') return false
    const sizes = group.members.map(member => member.assignment.topicPartitions.reduce((sum, { partitions }) => sum + partitions.length, 0))
    if (Math.max(...sizes) - Math.min(...sizes) > 1) return false
    const clientView = names.flatMap(name => (consumers.get(name)?.assignments ?? []).flatMap(({ partitions }) => partitions)).sort((a, b) => a - b)
    return clientView.join() === '0,1,2,3,4,5' ? group : false
  }, { what: `a Stable group of ${names.join(', ')} owning each partition once` })

  await t.test('two consumers share the six partitions, then three, then two again after one leaves, consuming with commits and losing nothing', async () => {
    await produce(10)
    await startConsumer('kip848-a')
    await startConsumer('kip848-b')
    const two = await waitForBalanced(['kip848-a', 'kip848-b'])
    assert.deepEqual(two.members.map(member => member.clientId).sort(), ['kip848-a', 'kip848-b'])

    await produce(10)
    await startConsumer('kip848-c')
    await produce(5)
    const three = await waitForBalanced(['kip848-a', 'kip848-b', 'kip848-c'])
    assert.ok(three.members.every(member => member.assignment.topicPartitions[0]?.partitions.length === 2), 'two partitions each')
    assert.ok(three.groupEpoch > two.groupEpoch)

    await produce(5)
    await consumers.get('kip848-b')!.close()
    consumers.delete('kip848-b')
    await produce(5)
    const again = await waitForBalanced(['kip848-a', 'kip848-c'])
    assert.deepEqual(again.members.map(member => member.clientId).sort(), ['kip848-a', 'kip848-c'])

    await waitFor(() => [...produced].every(value => consumed.has(value)), { what: 'every produced record consumed' })
    assert.equal(produced.size, PARTITIONS * 35)
    // Commits reach the group: the committed offsets end where the partitions end (35 records each).
    await waitFor(async () => {
      const response = await wire.request(OffsetFetchApi, 9, {
        groupId: '',
        topics: null,
        requireStable: true,
        groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2, 3, 4, 5] }] }]
      })
      const offsets = response.groups[0]?.topics[0]?.partitions.map(partition => partition.committedOffset)
      return offsets?.every(offset => offset === 35)
    }, { what: 'committed offsets at the end of every partition' })
  })

  await t.test('ConsumerGroupDescribe, ListGroups v5 and DescribeGroups show the group as Kafka 4 does', async () => {
    const group = await describe()
    assert.equal(group.errorCode, 0)
    assert.equal(group.groupState, 'Stable')
    assert.equal(group.assignorName, 'uniform')
    assert.equal(group.assignmentEpoch, group.groupEpoch)
    for (const member of group.members) {
      assert.deepEqual(member.subscribedTopicNames, [TOPIC])
      assert.equal(member.memberEpoch, group.groupEpoch)
      assert.equal(member.assignment.topicPartitions[0]?.topicName, TOPIC)
      assert.deepEqual(member.assignment, member.targetAssignment, 'members have reached their target')
      assert.match(member.clientHost, /^\/127\.0\.0\.1$/)
    }
    const missing = await wire.request(ConsumerGroupDescribeApi, 0, { groupIds: ['no-such-group'], includeAuthorizedOperations: false })
    assert.equal(errorName(missing.groups[0]!.errorCode), 'GROUP_ID_NOT_FOUND')

    const consumerType = await wire.request(ListGroupsApi, 5, { statesFilter: [], typesFilter: ['consumer'] })
    assert.deepEqual(consumerType.groups, [{ groupId: GROUP, protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }])
    const classicType = await wire.request(ListGroupsApi, 5, { statesFilter: [], typesFilter: ['classic'] })
    assert.ok(!classicType.groups.some(listed => listed.groupId === GROUP))
    const described = await wire.request(DescribeGroupsApi, 5, { groups: [GROUP], includeAuthorizedOperations: false })
    assert.equal(described.groups[0]?.groupState, 'Dead', 'DescribeGroups v0-5 does not describe consumer-protocol groups, as in Kafka')
  })

  await t.test('bad ConsumerGroupHeartbeat and OffsetCommit input gets Kafka\'s error codes', async () => {
    const heartbeat = async (fields: Partial<ConsumerGroupHeartbeatRequest>): Promise<string> => {
      const response = await wire.request(ConsumerGroupHeartbeatApi, 1, {
        groupId: GROUP,
        memberId: 'wire-member',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: [TOPIC],
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: [],
        ...fields
      })
      return errorName(response.errorCode)
    }
    assert.equal(await heartbeat({ memberId: 'never-joined', memberEpoch: 5 }), 'UNKNOWN_MEMBER_ID')
    const member = (await describe()).members[0]!
    assert.equal(await heartbeat({ memberId: member.memberId, memberEpoch: member.memberEpoch + 3, topicPartitions: null }), 'FENCED_MEMBER_EPOCH')
    assert.equal(await heartbeat({ subscribedTopicNames: null, subscribedTopicRegex: 'kip848-(' }), 'INVALID_REGULAR_EXPRESSION')
    assert.equal(await heartbeat({ serverAssignor: 'cooperative-sticky' }), 'UNSUPPORTED_ASSIGNOR')
    assert.equal(await heartbeat({ memberId: '' }), 'INVALID_REQUEST')
    assert.equal((await describe()).members.length, 2, 'no refused request changed the group')

    const commit = await wire.request(OffsetCommitApi, 9, {
      groupId: GROUP,
      generationIdOrMemberEpoch: member.memberEpoch - 1,
      memberId: member.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }]
    })
    assert.equal(errorName(commit.topics[0]!.partitions[0]!.errorCode), 'STALE_MEMBER_EPOCH')
    const fetch = await wire.request(OffsetFetchApi, 9, {
      groupId: '',
      topics: null,
      requireStable: false,
      groups: [{ groupId: GROUP, memberId: 'never-joined', memberEpoch: 1, topics: null }]
    })
    assert.equal(fetch.groups[0]?.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })
})
