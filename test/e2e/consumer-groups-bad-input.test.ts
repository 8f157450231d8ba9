// Bad input to the group APIs over a raw connection: unknown groups and members, stale generations,
// commits for unknown partitions, oversized metadata, timeouts out of bounds and the cluster's
// group limit each get Kafka's error code and a log line; the batched and multi-group forms answer
// per key; afterwards a real consumer still uses the group and its committed offsets.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, errorName } from '../../src/protocol/error-codes.ts'
import { DeleteGroupsApi } from '../../src/protocol/messages/delete-groups.ts'
import { DescribeGroupsApi } from '../../src/protocol/messages/describe-groups.ts'
import { FindCoordinatorApi } from '../../src/protocol/messages/find-coordinator.ts'
import { HeartbeatApi } from '../../src/protocol/messages/heartbeat.ts'
import { JoinGroupApi, type JoinGroupRequest } from '../../src/protocol/messages/join-group.ts'
import { LeaveGroupApi } from '../../src/protocol/messages/leave-group.ts'
import { ListGroupsApi } from '../../src/protocol/messages/list-groups.ts'
import { OffsetCommitApi, type OffsetCommitRequest } from '../../src/protocol/messages/offset-commit.ts'
import { OffsetDeleteApi } from '../../src/protocol/messages/offset-delete.ts'
import { OffsetFetchApi } from '../../src/protocol/messages/offset-fetch.ts'
import { SyncGroupApi } from '../../src/protocol/messages/sync-group.ts'
import { subscription } from '../helpers/group-test-kit.ts'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const TOPIC = 'bad-input'
const GROUP = 'bad-input-group'

function join (fields: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: GROUP,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 30_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription([TOPIC]) }],
    reason: null,
    ...fields
  }
}

function commit (generationId: number, memberId: string, partitions: Array<[string, number, number, string | null]>, groupId = GROUP): OffsetCommitRequest {
  const topics = [...new Set(partitions.map(([name]) => name))].map(name => ({
    name,
    partitions: partitions.filter(([topic]) => topic === name).map(([, partitionIndex, committedOffset, committedMetadata]) => ({
      partitionIndex, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata
    }))
  }))
  return { groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics }
}

const names = (codes: number[]): string[] => codes.map(code => errorName(code))

test('bad input to the group APIs gets Kafka\'s error codes and a log line, and leaves the group usable', async t => {
  const { bootstrap, logs } = await startTestNode(t, {
    config: { groups: { initialRebalanceDelayMs: 0, maxMemberMetadataBytes: 1024 }, limits: { consumerGroupsPerCluster: 3 } }
  })
  await createTopics(bootstrap, [{ name: TOPIC, partitions: 2 }])
  const produced = (await runPythonScript('confluent_client.py', ['produce', bootstrap, TOPIC, '40'])).stdout.trim().split('\n')
    .map(line => JSON.parse(line) as { partition: number })
  /** The offset committed for partition 0: within what it holds, so a consumer can resume there. */
  const kept = Math.min(5, produced.filter(line => line.partition === 0).length)
  const client = await WireClient.connect(bootstrap)
  t.after(() => client.close())

  const first = await client.request(JoinGroupApi, 5, join())
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
  const joined = await client.request(JoinGroupApi, 5, join({ memberId: first.memberId }))
  assert.equal(joined.errorCode, 0)
  const memberId = joined.memberId
  const generationId = joined.generationId
  const synced = await client.request(SyncGroupApi, 3, {
    groupId: GROUP, generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId, assignment: Buffer.from('a') }]
  })
  assert.deepEqual({ errorCode: synced.errorCode, assignment: synced.assignment.toString() }, { errorCode: 0, assignment: 'a' })

  await t.test('unknown groups and member ids answer UNKNOWN_MEMBER_ID, stale generations ILLEGAL_GENERATION', async () => {
    assert.equal((await client.request(JoinGroupApi, 5, join({ groupId: 'no-such-group', memberId: 'nobody' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await client.request(JoinGroupApi, 5, join({ memberId: 'nobody' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    const heartbeat = async (groupId: string, id: string, generation: number): Promise<string> =>
      errorName((await client.request(HeartbeatApi, 4, { groupId, generationId: generation, memberId: id, groupInstanceId: null })).errorCode)
    assert.equal(await heartbeat(GROUP, memberId, generationId), 'NONE')
    assert.equal(await heartbeat(GROUP, memberId, generationId - 1), 'ILLEGAL_GENERATION')
    assert.equal(await heartbeat(GROUP, 'nobody', generationId), 'UNKNOWN_MEMBER_ID')
    assert.equal(await heartbeat('no-such-group', memberId, generationId), 'UNKNOWN_MEMBER_ID')
    assert.equal(await heartbeat('', memberId, generationId), 'INVALID_GROUP_ID')
    const sync = await client.request(SyncGroupApi, 5, {
      groupId: GROUP, generationId: generationId + 5, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: []
    })
    assert.equal(errorName(sync.errorCode), 'ILLEGAL_GENERATION')
    const leave = await client.request(LeaveGroupApi, 4, { groupId: GROUP, memberId: '', members: [{ memberId: 'nobody', groupInstanceId: null, reason: null }] })
    assert.deepEqual(names(leave.members.map(member => member.errorCode)), ['UNKNOWN_MEMBER_ID'])
    assert.ok(logs.lines.some(line => line.msg === 'Heartbeat refused' && line.memberId === 'nobody'), 'a log line names the refused heartbeat')
    assert.ok(logs.lines.some(line => line.msg === 'SyncGroup refused'))
  })

  await t.test('commits answer per partition: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE; stale generations ILLEGAL_GENERATION', async () => {
    const response = await client.request(OffsetCommitApi, 8, commit(generationId, memberId, [
      [TOPIC, 0, kept, 'kept'], [TOPIC, 7, 1, null], ['no-such-topic', 0, 1, null], [TOPIC, 1, 3, 'x'.repeat(4097)]
    ]))
    assert.deepEqual(response.topics.map(topic => [topic.name, names(topic.partitions.map(partition => partition.errorCode))]), [
      [TOPIC, ['NONE', 'UNKNOWN_TOPIC_OR_PARTITION', 'OFFSET_METADATA_TOO_LARGE']], ['no-such-topic', ['UNKNOWN_TOPIC_OR_PARTITION']]
    ])
    assert.ok(logs.warnings('OffsetCommit for unknown topics or partitions').some(line => JSON.stringify(line.partitions).includes('no-such-topic-0')))
    assert.equal(logs.warnings('OffsetCommit metadata too large').length, 1)
    const stale = await client.request(OffsetCommitApi, 8, commit(generationId - 1, memberId, [[TOPIC, 0, 9, null]]))
    assert.equal(errorName(stale.topics[0]!.partitions[0]!.errorCode), 'ILLEGAL_GENERATION')
    const stranger = await client.request(OffsetCommitApi, 8, commit(generationId, 'nobody', [[TOPIC, 0, 9, null]]))
    assert.equal(errorName(stranger.topics[0]!.partitions[0]!.errorCode), 'UNKNOWN_MEMBER_ID')
    const simple = await client.request(OffsetCommitApi, 8, commit(-1, '', [[TOPIC, 0, 9, null]]))
    assert.equal(errorName(simple.topics[0]!.partitions[0]!.errorCode), 'UNKNOWN_MEMBER_ID', 'a group with members refuses commits from outside it')
    assert.ok(logs.lines.some(line => line.msg === 'OffsetCommit refused' && line.errorCode === ErrorCode.ILLEGAL_GENERATION))
    const fetched = await client.request(OffsetFetchApi, 7, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }], requireStable: true, groups: [] })
    assert.deepEqual(fetched.topics[0]!.partitions.map(({ committedOffset, metadata }) => [committedOffset, metadata]), [[kept, 'kept'], [-1, '']],
      'only the good commit was stored')
  })

  await t.test('JoinGroup refuses oversized member metadata (MESSAGE_TOO_LARGE), bad session timeouts and an empty group id', async () => {
    const large = await client.request(JoinGroupApi, 5, join({ protocols: [{ name: 'range', metadata: Buffer.alloc(2000) }] }))
    assert.equal(errorName(large.errorCode), 'MESSAGE_TOO_LARGE')
    assert.equal(logs.warnings('member metadata too large').length, 1)
    assert.equal(errorName((await client.request(JoinGroupApi, 5, join({ sessionTimeoutMs: 1000 }))).errorCode), 'INVALID_SESSION_TIMEOUT')
    assert.equal(errorName((await client.request(JoinGroupApi, 5, join({ groupId: '' }))).errorCode), 'INVALID_GROUP_ID')
    assert.equal(errorName((await client.request(JoinGroupApi, 5, join({ protocolType: 'connect' }))).errorCode), 'INCONSISTENT_GROUP_PROTOCOL')
    assert.equal(logs.warnings('session timeout out of bounds').length, 1)
  })

  await t.test('the cluster\'s group limit refuses a new group with GROUP_MAX_SIZE_REACHED and a log line naming the limit', async () => {
    for (const groupId of ['extra-1', 'extra-2']) {
      const response = await client.request(OffsetCommitApi, 8, commit(-1, '', [[TOPIC, 0, 1, null]], groupId))
      assert.equal(response.topics[0]!.partitions[0]!.errorCode, 0)
    }
    assert.equal(errorName((await client.request(JoinGroupApi, 5, join({ groupId: 'extra-3' }))).errorCode), 'GROUP_MAX_SIZE_REACHED')
    const refusedCommit = await client.request(OffsetCommitApi, 8, commit(-1, '', [[TOPIC, 0, 1, null]], 'extra-3'))
    assert.equal(errorName(refusedCommit.topics[0]!.partitions[0]!.errorCode), 'GROUP_MAX_SIZE_REACHED')
    assert.ok(logs.warnings('consumerGroupsPerCluster').length >= 2)
    const deleted = await client.request(DeleteGroupsApi, 2, { groupsNames: ['extra-2', GROUP, 'no-such-group'] })
    assert.deepEqual(deleted.results.map(result => [result.groupId, errorName(result.errorCode)]), [
      ['extra-2', 'NONE'], [GROUP, 'NON_EMPTY_GROUP'], ['no-such-group', 'GROUP_ID_NOT_FOUND']
    ])
    assert.equal(errorName((await client.request(JoinGroupApi, 5, join({ groupId: 'extra-3' }))).errorCode), 'MEMBER_ID_REQUIRED', 'a deleted group frees its place')
  })

  await t.test('FindCoordinator answers this node per key (v4 batches), refusing unknown key types; OffsetFetch v8 answers per group', async () => {
    const single = await client.request(FindCoordinatorApi, 0, { key: GROUP, keyType: 0, coordinatorKeys: [] })
    assert.equal(single.errorCode, 0)
    assert.equal(single.port, Number(bootstrap.split(':')[1]))
    const batched = await client.request(FindCoordinatorApi, 4, { key: '', keyType: 0, coordinatorKeys: [GROUP, 'another'] })
    assert.deepEqual(batched.coordinators.map(({ key, errorCode, port }) => [key, errorCode, port]),
      [[GROUP, 0, single.port], ['another', 0, single.port]])
    const share = await client.request(FindCoordinatorApi, 6, { key: '', keyType: 2, coordinatorKeys: ['s'] })
    assert.equal(errorName(share.coordinators[0]!.errorCode), 'INVALID_REQUEST')
    const transaction = await client.request(FindCoordinatorApi, 3, { key: 'txn', keyType: 1, coordinatorKeys: [] })
    assert.equal(transaction.errorCode, 0)

    const fetched = await client.request(OffsetFetchApi, 9, {
      groupId: '',
      topics: null,
      requireStable: false,
      groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: null }, { groupId: 'no-such-group', memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0] }] }]
    })
    assert.deepEqual(fetched.groups.map(group => [group.groupId, group.errorCode, group.topics.map(topic => topic.partitions.map(partition => partition.committedOffset))]), [
      [GROUP, 0, [[kept]]], ['no-such-group', 0, [[-1]]]
    ])
  })

  await t.test('ListGroups filters by state, DescribeGroups shows the member, OffsetDelete refuses a subscribed topic', async () => {
    const stable = await client.request(ListGroupsApi, 5, { statesFilter: ['Stable'], typesFilter: ['classic'] })
    assert.deepEqual(stable.groups.map(group => [group.groupId, group.groupState, group.groupType]), [[GROUP, 'Stable', 'classic']])
    const [described] = (await client.request(DescribeGroupsApi, 5, { groups: [GROUP], includeAuthorizedOperations: true })).groups
    assert.deepEqual(described?.members.map(member => [member.memberId, member.clientId, member.memberAssignment.toString()]), [[memberId, 'skiff-test-wire', 'a']])
    const refused = await client.request(OffsetDeleteApi, 0, { groupId: GROUP, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] })
    assert.equal(errorName(refused.topics[0]!.partitions[0]!.errorCode), 'GROUP_SUBSCRIBED_TO_TOPIC')
    assert.equal(errorName((await client.request(OffsetDeleteApi, 0, { groupId: 'no-such-group', topics: [] })).errorCode), 'GROUP_ID_NOT_FOUND')
  })

  await t.test('after all that, the member leaves and a real consumer takes the group on from its committed offset', async () => {
    const leave = await client.request(LeaveGroupApi, 1, { groupId: GROUP, memberId, members: [] })
    assert.equal(leave.errorCode, 0)
    const count = produced.length - kept
    const lines = (await runPythonScript('confluent_group.py', ['consume-count', bootstrap, TOPIC, GROUP, String(count)])).stdout.trim().split('\n')
    const read = lines.map(line => JSON.parse(line) as { partition: number, offset: number })
    assert.equal(read.length, count)
    const offsets0 = read.filter(line => line.partition === 0).map(line => line.offset)
    assert.deepEqual(offsets0.slice(0, 1), produced.filter(line => line.partition === 0).length > kept ? [kept] : [],
      'partition 0 resumes at its committed offset')
    assert.equal(Math.min(...read.filter(line => line.partition === 1).map(line => line.offset)), 0, 'partition 1 had no commit and starts at the beginning')
    assert.equal(logs.lines.filter(line => line.level >= 50).length, 0, 'no handler failed')
  })
})
