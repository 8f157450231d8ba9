// IAM authorization of the consumer group APIs over the IAM listener (TLS + SASL OAUTHBEARER),
// driven by the project's codecs: classic membership (AlterGroup), coordinator lookups, describe,
// list (filtered, never an error), delete, offsets (the group checked first, then each topic),
// and the consumer protocol (KIP-848) with its subscribed topics. Group ids in the policies use
// wildcards (`app-*`); `other` is a group no policy here names.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { JoinGroupApi } from '../../src/protocol/messages/join-group.ts'
import { SyncGroupApi } from '../../src/protocol/messages/sync-group.ts'
import { HeartbeatApi } from '../../src/protocol/messages/heartbeat.ts'
import { LeaveGroupApi } from '../../src/protocol/messages/leave-group.ts'
import { FindCoordinatorApi } from '../../src/protocol/messages/find-coordinator.ts'
import { DescribeGroupsApi } from '../../src/protocol/messages/describe-groups.ts'
import { ListGroupsApi } from '../../src/protocol/messages/list-groups.ts'
import { DeleteGroupsApi } from '../../src/protocol/messages/delete-groups.ts'
import { OffsetCommitApi, type OffsetCommitRequest } from '../../src/protocol/messages/offset-commit.ts'
import { OffsetFetchApi } from '../../src/protocol/messages/offset-fetch.ts'
import { OffsetDeleteApi } from '../../src/protocol/messages/offset-delete.ts'
import { ConsumerGroupHeartbeatApi, type ConsumerGroupHeartbeatRequest } from '../../src/protocol/messages/consumer-group-heartbeat.ts'
import { ConsumerGroupDescribeApi } from '../../src/protocol/messages/consumer-group-describe.ts'
import { aclOperationNames } from '../../src/security/iam/kafka-acl-operations.ts'
import { startIamNode } from '../helpers/iam-node.ts'
import { allow, arn, connectAdmin, connectAs } from '../helpers/iam-policies.ts'
import { createTopics, type WireClient } from '../helpers/wire-client.ts'

const { GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED, TRANSACTIONAL_ID_AUTHORIZATION_FAILED } = ErrorCode

/** An OffsetCommit v8 of a group without members (generation -1), offset per topic name. */
function commitRequest (groupId: string, offsets: Record<string, number>): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: Object.entries(offsets).map(([name, committedOffset]) => ({
      name, partitions: [{ partitionIndex: 0, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }]
    }))
  }
}

async function commit (client: WireClient, groupId: string, offsets: Record<string, number>): Promise<Array<[string, number | undefined]>> {
  const response = await client.request(OffsetCommitApi, 8, commitRequest(groupId, offsets))
  return response.topics.map(topic => [topic.name, topic.partitions[0]?.errorCode])
}

test('IAM authorization of consumer group APIs', async t => {
  // More groups than MSK's default limit of five are made here.
  const node = await startIamNode(t, { limits: { consumerGroupsPerCluster: 50 } })
  await createTopics(node.bootstrap, [{ name: 'orders' }, { name: 'payments' }])
  const admin = await connectAdmin(t, node)
  for (const groupId of ['app-1', 'app-2', 'other']) assert.deepEqual(await commit(admin, groupId, { orders: 5, payments: 7 }), [['orders', 0], ['payments', 0]])

  await t.test('JoinGroup, SyncGroup, Heartbeat and LeaveGroup need AlterGroup', async t => {
    const { client } = await connectAs(t, node, 'member', [allow(['AlterGroup'], [arn.group('app-*')])])
    const join = (groupId: string) => client.request(JoinGroupApi, 5, {
      groupId,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      reason: null
    })
    assert.equal((await join('app-join')).errorCode, ErrorCode.MEMBER_ID_REQUIRED, 'allowed: the join proceeds')
    const denied = await join('other')
    assert.deepEqual([denied.errorCode, denied.memberId, denied.generationId], [GROUP_AUTHORIZATION_FAILED, '', -1])

    const sync = await client.request(SyncGroupApi, 5, {
      groupId: 'other', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: []
    })
    assert.equal(sync.errorCode, GROUP_AUTHORIZATION_FAILED)
    const heartbeat = (groupId: string) => client.request(HeartbeatApi, 4, { groupId, generationId: 1, memberId: 'm', groupInstanceId: null })
    assert.equal((await heartbeat('other')).errorCode, GROUP_AUTHORIZATION_FAILED)
    assert.equal((await heartbeat('app-join')).errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'allowed: the group answers for the member')
    const leave = await client.request(LeaveGroupApi, 5, { groupId: 'other', memberId: '', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] })
    assert.deepEqual([leave.errorCode, leave.members], [GROUP_AUTHORIZATION_FAILED, []])
  })

  await t.test('FindCoordinator checks DescribeGroup or DescribeTransactionalId per key', async t => {
    const { client } = await connectAs(t, node, 'finder', [
      allow(['DescribeGroup'], [arn.group('app-*')]), allow(['DescribeTransactionalId'], [arn.transactionalId('txn-a')])
    ])
    const groups = await client.request(FindCoordinatorApi, 4, { key: '', keyType: 0, coordinatorKeys: ['app-1', 'other'] })
    assert.deepEqual(groups.coordinators.map(found => [found.key, found.errorCode]), [['app-1', 0], ['other', GROUP_AUTHORIZATION_FAILED]])
    const transactions = await client.request(FindCoordinatorApi, 4, { key: '', keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] })
    assert.deepEqual(transactions.coordinators.map(found => [found.key, found.errorCode]), [['txn-a', 0], ['txn-b', TRANSACTIONAL_ID_AUTHORIZATION_FAILED]])
    const single = await client.request(FindCoordinatorApi, 3, { key: 'other', keyType: 0, coordinatorKeys: [] })
    assert.deepEqual([single.errorCode, single.nodeId, single.errorMessage], [GROUP_AUTHORIZATION_FAILED, -1, 'Group authorization failed.'])
  })

  await t.test('DescribeGroups per group with authorized operations; ListGroups filtered; DeleteGroups per group', async t => {
    const { client } = await connectAs(t, node, 'group-viewer', [allow(['DescribeGroup', 'AlterGroup', 'DeleteGroup'], [arn.group('app-*')])])
    const described = await client.request(DescribeGroupsApi, 5, { groups: ['app-1', 'other'], includeAuthorizedOperations: true })
    assert.deepEqual(described.groups.map(group => [group.groupId, group.errorCode]), [['app-1', 0], ['other', GROUP_AUTHORIZATION_FAILED]])
    assert.deepEqual(aclOperationNames(described.groups[0]!.authorizedOperations), ['READ', 'DELETE', 'DESCRIBE'])

    const listed = await client.request(ListGroupsApi, 4, { statesFilter: [], typesFilter: [] })
    assert.equal(listed.errorCode, 0)
    const names = listed.groups.map(group => group.groupId)
    assert.ok(names.includes('app-1') && names.includes('app-2'), `app groups listed: ${names.join(',')}`)
    assert.ok(names.every(name => name.startsWith('app-')), `only app groups listed: ${names.join(',')}`)
    const { client: operator } = await connectAs(t, node, 'cluster-viewer', [allow(['DescribeCluster'], [arn.cluster])])
    const everything = (await operator.request(ListGroupsApi, 4, { statesFilter: [], typesFilter: [] })).groups.map(group => group.groupId)
    assert.ok(everything.includes('other') && everything.includes('app-1'), 'DescribeCluster lists every group')

    const deleted = await client.request(DeleteGroupsApi, 2, { groupsNames: ['app-never', 'other'] })
    assert.deepEqual(deleted.results.map(result => [result.groupId, result.errorCode]),
      [['app-never', ErrorCode.GROUP_ID_NOT_FOUND], ['other', GROUP_AUTHORIZATION_FAILED]])
  })

  await t.test('OffsetCommit checks AlterGroup first, then ReadData per topic whether or not it exists', async t => {
    const { client } = await connectAs(t, node, 'committer', [allow(['AlterGroup'], [arn.group('app-*')]), allow(['ReadData'], [arn.topic('orders')])])
    assert.deepEqual(await commit(client, 'other', { orders: 1, payments: 1 }), [['orders', GROUP_AUTHORIZATION_FAILED], ['payments', GROUP_AUTHORIZATION_FAILED]])
    assert.deepEqual(new Map(await commit(client, 'app-commit', { orders: 1, payments: 1, 'no-such-topic': 1 })),
      new Map([['orders', 0], ['payments', TOPIC_AUTHORIZATION_FAILED], ['no-such-topic', TOPIC_AUTHORIZATION_FAILED]]))
  })

  await t.test('OffsetFetch checks DescribeGroup per group, then DescribeTopic: named topics answer 29, all topics leave them out', async t => {
    const { client } = await connectAs(t, node, 'offset-reader', [allow(['DescribeGroup'], [arn.group('app-*')]), allow(['DescribeTopic'], [arn.topic('orders')])])
    const named = [{ name: 'orders', partitionIndexes: [0] }, { name: 'payments', partitionIndexes: [0] }]
    const batch = await client.request(OffsetFetchApi, 8, {
      groupId: '',
      topics: null,
      requireStable: false,
      groups: [
        { groupId: 'app-1', memberId: null, memberEpoch: -1, topics: named },
        { groupId: 'app-2', memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'other', memberId: null, memberEpoch: -1, topics: null }
      ]
    })
    const [app1, app2, other] = batch.groups
    assert.deepEqual(app1?.topics.map(topic => [topic.name, topic.partitions[0]?.committedOffset, topic.partitions[0]?.errorCode]),
      [['orders', 5, 0], ['payments', -1, TOPIC_AUTHORIZATION_FAILED]])
    assert.deepEqual(app2?.topics.map(topic => topic.name), ['orders'], 'payments has an offset but is left out')
    assert.deepEqual([other?.errorCode, other?.topics], [GROUP_AUTHORIZATION_FAILED, []])

    const v7 = await client.request(OffsetFetchApi, 7, { groupId: 'other', topics: named, groups: [], requireStable: false })
    assert.deepEqual([v7.errorCode, v7.topics], [GROUP_AUTHORIZATION_FAILED, []])
    const v1 = await client.request(OffsetFetchApi, 1, { groupId: 'other', topics: named, groups: [], requireStable: false })
    assert.deepEqual(v1.topics.map(topic => topic.partitions[0]?.errorCode), [GROUP_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED])
  })

  await t.test('OffsetDelete checks DeleteGroup, then ReadData per topic', async t => {
    const { client } = await connectAs(t, node, 'offset-deleter', [allow(['DeleteGroup'], [arn.group('app-*')]), allow(['ReadData'], [arn.topic('orders')])])
    const topics = ['orders', 'payments'].map(name => ({ name, partitions: [{ partitionIndex: 0 }] }))
    const denied = await client.request(OffsetDeleteApi, 0, { groupId: 'other', topics })
    assert.deepEqual([denied.errorCode, denied.topics], [GROUP_AUTHORIZATION_FAILED, []])
    const deleted = await client.request(OffsetDeleteApi, 0, { groupId: 'app-2', topics })
    assert.equal(deleted.errorCode, 0)
    assert.deepEqual(new Map(deleted.topics.map(topic => [topic.name, topic.partitions[0]?.errorCode])), new Map([['orders', 0], ['payments', TOPIC_AUTHORIZATION_FAILED]]))
  })

  await t.test('ConsumerGroupHeartbeat needs AlterGroup and DescribeTopic on each subscribed topic; ConsumerGroupDescribe DescribeGroup', async t => {
    const { client } = await connectAs(t, node, 'kip848-member', [
      allow(['AlterGroup', 'DescribeGroup'], [arn.group('app-*')]), allow(['DescribeTopic'], [arn.topic('orders')])
    ])
    const heartbeat = (fields: Partial<ConsumerGroupHeartbeatRequest>) => client.request(ConsumerGroupHeartbeatApi, 1, {
      groupId: 'app-848',
      memberId: 'kip848-member-1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['orders'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
      ...fields
    })
    assert.equal((await heartbeat({ groupId: 'other' })).errorCode, GROUP_AUTHORIZATION_FAILED)
    assert.equal((await heartbeat({ subscribedTopicNames: ['orders', 'payments'] })).errorCode, TOPIC_AUTHORIZATION_FAILED)
    const joined = await heartbeat({})
    assert.equal(joined.errorCode, 0)

    const described = await client.request(ConsumerGroupDescribeApi, 0, { groupIds: ['app-848', 'other'], includeAuthorizedOperations: true })
    assert.deepEqual(described.groups.map(group => [group.groupId, group.errorCode]), [['app-848', 0], ['other', GROUP_AUTHORIZATION_FAILED]])
    assert.deepEqual(aclOperationNames(described.groups[0]!.authorizedOperations), ['READ', 'DESCRIBE'])
    assert.equal((await heartbeat({ memberEpoch: -1, subscribedTopicNames: null, topicPartitions: null })).errorCode, 0, 'the member leaves')
  })
})
