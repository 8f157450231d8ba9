// Committed offsets and group administration on the coordinator: OffsetCommit's checks, OffsetFetch,
// OffsetDelete, DeleteGroups, ListGroups, DescribeGroups, and groups found again after a restart.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { OffsetCommitRequest } from '../../protocol/messages/offset-commit.ts'
import { silentLogger } from '../../common/logger.ts'
import { CLUSTER, TEST_SETTINGS, groupTestKit, joinRequest, settle, subscription } from '../../../test/helpers/group-test-kit.ts'
import { GroupCoordinator } from './group-coordinator.ts'
import { ManualScheduler } from './scheduler.ts'

function commitRequest (groupId: string, generationId: number, memberId: string,
  partitions: Array<[string, number, number, string?]>): OffsetCommitRequest {
  const byTopic = new Map<string, OffsetCommitRequest['topics'][number]>()
  for (const [name, partitionIndex, committedOffset, committedMetadata] of partitions) {
    let topic = byTopic.get(name)
    if (topic === undefined) {
      topic = { name, partitions: [] }
      byTopic.set(name, topic)
    }
    topic.partitions.push({ partitionIndex, committedOffset, committedLeaderEpoch: 4, commitTimestamp: -1, committedMetadata: committedMetadata ?? null })
  }
  return { groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics: [...byTopic.values()] }
}

function codes (topics: Array<{ partitions: Array<{ errorCode: number }> }>): number[] {
  return topics.flatMap(topic => topic.partitions.map(partition => partition.errorCode))
}

describe('group offsets', () => {
  it('accepts a simple commit (generation -1) for a group without members, creating it, and fetches it back', async () => {
    const { offsets, context, createTopic, catalog } = await groupTestKit()
    await createTopic('events', 3)
    const committed = await offsets.commitOffsets(context(7), commitRequest('simple', -1, '', [['events', 0, 10, 'meta'], ['events', 2, 30]]))
    assert.deepEqual(codes(committed), [0, 0])
    assert.equal((await catalog.getGroup(CLUSTER, 'simple'))?.protocolType, '')
    const fetched = await offsets.fetchOffsets(CLUSTER, 'simple', [{ name: 'events', partitionIndexes: [0, 1, 2] }, { name: 'nope', partitionIndexes: [0] }], false)
    assert.deepEqual(fetched, [
      {
        name: 'events',
        partitions: [
          { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 4, metadata: 'meta', errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 2, committedOffset: 30, committedLeaderEpoch: 4, metadata: '', errorCode: 0 }
        ]
      },
      { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }
    ])
    const all = await offsets.fetchOffsets(CLUSTER, 'simple', null, true)
    assert.deepEqual(all.map(topic => [topic.name, topic.partitions.map(partition => partition.committedOffset)]), [['events', [10, 30]]])
    assert.deepEqual(await offsets.fetchOffsets(CLUSTER, 'no-such-group', null, false), [])
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION and OFFSET_METADATA_TOO_LARGE per partition and commits the rest', async () => {
    const { offsets, context, createTopic } = await groupTestKit()
    await createTopic('events', 2)
    const committed = await offsets.commitOffsets(context(7), commitRequest('g', -1, '', [
      ['events', 0, 1], ['events', 2, 1], ['missing', 0, 1], ['events', 1, 5, 'x'.repeat(4097)]
    ]))
    // Answered per topic: events 0, 2, 1, then missing 0.
    assert.deepEqual(codes(committed), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    const [fetched] = await offsets.fetchOffsets(CLUSTER, 'g', [{ name: 'events', partitionIndexes: [0, 1] }], false)
    assert.deepEqual(fetched?.partitions.map(partition => partition.committedOffset), [1, -1])
    assert.deepEqual(codes(await offsets.commitOffsets(context(7), commitRequest('g', -1, '', [['events', 1, 5, 'x'.repeat(4096)]]))), [0])
  })

  it('checks group commits: members of the current generation only, REBALANCE_IN_PROGRESS before their assignment', async () => {
    const { offsets, context, createTopic, joinMembers, coordinator } = await groupTestKit()
    await createTopic('events', 1)
    const [member] = await joinMembers('g', 1)
    const memberId = member!.memberId
    const commit = async (generationId: number, id: string) => codes(await offsets.commitOffsets(context(7), commitRequest('g', generationId, id, [['events', 0, 5]])))[0]
    assert.equal(await commit(1, memberId), ErrorCode.REBALANCE_IN_PROGRESS, 'CompletingRebalance: no assignment yet')
    await coordinator.syncGroup(context(), { groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })
    assert.equal(await commit(1, memberId), 0)
    assert.equal(await commit(0, memberId), ErrorCode.ILLEGAL_GENERATION)
    assert.equal(await commit(1, 'made-up'), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await commit(-1, ''), ErrorCode.UNKNOWN_MEMBER_ID, 'a group with members refuses simple commits')
    assert.equal(await commit(3, 'someone'), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(codes(await offsets.commitOffsets(context(8), commitRequest('missing', 1, 'm', [['events', 0, 5]])))[0], ErrorCode.ILLEGAL_GENERATION)
    assert.equal(codes(await offsets.commitOffsets(context(9), commitRequest('missing', 1, 'm', [['events', 0, 5]])))[0], ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal(codes(await offsets.commitOffsets(context(9), commitRequest('', -1, '', [['events', 0, 5]])))[0], ErrorCode.INVALID_GROUP_ID)
  })

  it('counts groups made by simple commits against the cluster limit (GROUP_MAX_SIZE_REACHED)', async () => {
    const { offsets, context, createTopic } = await groupTestKit({ consumerGroupsPerCluster: 1 })
    await createTopic('events', 1)
    assert.deepEqual(codes(await offsets.commitOffsets(context(7), commitRequest('one', -1, '', [['events', 0, 1]]))), [0])
    assert.deepEqual(codes(await offsets.commitOffsets(context(7), commitRequest('two', -1, '', [['events', 0, 1]]))), [ErrorCode.GROUP_MAX_SIZE_REACHED])
  })

  it('applies one group\'s commits in the order they arrive', async () => {
    const { offsets, context, createTopic } = await groupTestKit()
    await createTopic('events', 1)
    await Promise.all(Array.from({ length: 20 }, (_, index) => offsets.commitOffsets(context(7), commitRequest('g', -1, '', [['events', 0, index]]))))
    const [fetched] = await offsets.fetchOffsets(CLUSTER, 'g', [{ name: 'events', partitionIndexes: [0] }], true)
    assert.equal(fetched?.partitions[0]?.committedOffset, 19)
  })

  it('deletes offsets of an empty group; refuses subscribed topics (GROUP_SUBSCRIBED_TO_TOPIC) and unknown groups', async () => {
    const { offsets, context, createTopic, stableGroup } = await groupTestKit()
    await createTopic('events', 2)
    await createTopic('other', 1)
    await offsets.commitOffsets(context(7), commitRequest('g', -1, '', [['events', 0, 1], ['events', 1, 2], ['other', 0, 3]]))
    const deleted = await offsets.deleteOffsets(CLUSTER, { groupId: 'g', topics: [{ name: 'events', partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] }] })
    assert.deepEqual(deleted, { errorCode: 0, topics: [{ name: 'events', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }] })
    const left = await offsets.fetchOffsets(CLUSTER, 'g', null, false)
    assert.deepEqual(left.map(topic => [topic.name, topic.partitions.map(partition => partition.partitionIndex)]), [['events', [1]], ['other', [0]]])

    await stableGroup('g', 1, { protocols: [{ name: 'range', metadata: subscription(['events']) }] })
    const refused = await offsets.deleteOffsets(CLUSTER, {
      groupId: 'g', topics: [{ name: 'events', partitions: [{ partitionIndex: 1 }] }, { name: 'other', partitions: [{ partitionIndex: 0 }] }]
    })
    assert.deepEqual(refused.topics.map(topic => topic.partitions[0]?.errorCode), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0])
    assert.equal((await offsets.deleteOffsets(CLUSTER, { groupId: 'missing', topics: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal((await offsets.deleteOffsets(CLUSTER, { groupId: '', topics: [] })).errorCode, ErrorCode.INVALID_GROUP_ID)
  })

  it('refuses OffsetDelete on a non-consumer group with members (NON_EMPTY_GROUP)', async () => {
    const { offsets, stableGroup } = await groupTestKit()
    await stableGroup('connect', 1, { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('x') }] })
    assert.equal((await offsets.deleteOffsets(CLUSTER, { groupId: 'connect', topics: [] })).errorCode, ErrorCode.NON_EMPTY_GROUP)
  })

  it('deletes empty groups with their offsets; refuses groups with members and unknown ids', async () => {
    const { coordinator, offsets, context, createTopic, stableGroup, catalog } = await groupTestKit()
    await createTopic('events', 1)
    await offsets.commitOffsets(context(7), commitRequest('idle', -1, '', [['events', 0, 1]]))
    await stableGroup('busy', 1)
    assert.deepEqual(await coordinator.deleteGroups(CLUSTER, ['idle', 'busy', 'missing', '']), [
      { groupId: 'idle', errorCode: 0 },
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID }
    ])
    assert.equal(await catalog.getGroup(CLUSTER, 'idle'), undefined)
    assert.deepEqual(await offsets.fetchOffsets(CLUSTER, 'idle', null, false), [])
    assert.deepEqual(codes(await offsets.commitOffsets(context(7), commitRequest('idle', -1, '', [['events', 0, 2]]))), [0], 'the id can be used again')
  })

  it('lists groups with their state, filtered by state and type, and describes them (members only once Stable)', async () => {
    const { coordinator, offsets, context, createTopic, stableGroup, joinMembers } = await groupTestKit()
    await createTopic('events', 1)
    await offsets.commitOffsets(context(7), commitRequest('simple', -1, '', [['events', 0, 1]]))
    await stableGroup('stable', 2)
    await joinMembers('joining', 1)
    const listed = await coordinator.listGroups(CLUSTER, [], [])
    assert.deepEqual(listed.map(group => [group.groupId, group.groupState, group.protocolType]).sort(), [
      ['joining', 'CompletingRebalance', 'consumer'], ['simple', 'Empty', ''], ['stable', 'Stable', 'consumer']
    ])
    assert.deepEqual((await coordinator.listGroups(CLUSTER, ['stable', 'EMPTY'], [])).map(group => group.groupId).sort(), ['simple', 'stable'])
    assert.deepEqual(await coordinator.listGroups(CLUSTER, [], ['consumer']), [])
    assert.equal((await coordinator.listGroups(CLUSTER, [], ['Classic'])).length, 3)
    assert.deepEqual(await coordinator.listGroups('other-cluster', [], []), [])

    const [stable, joining, missing] = await coordinator.describeGroups(CLUSTER, ['stable', 'joining', 'missing'], () => 0)
    assert.equal(stable?.groupState, 'Stable')
    assert.equal(stable?.protocolData, 'range')
    assert.equal(stable?.members.length, 2)
    assert.ok(stable?.members.every(member => member.memberMetadata.length > 0 && member.memberAssignment.length === 1 && member.clientHost === '/127.0.0.1'))
    assert.equal(joining?.groupState, 'CompletingRebalance')
    assert.equal(joining?.protocolData, '')
    assert.deepEqual(joining?.members.map(member => member.memberMetadata.length), [0])
    assert.deepEqual(missing, { errorCode: 0, groupId: 'missing', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 })
  })

  it('deletes groups found without members and without committed offsets by two sweeps in a row', async () => {
    const { coordinator, offsets, context, createTopic, stableGroup, catalog, scheduler } = await groupTestKit()
    await createTopic('events', 1)
    await coordinator.joinGroup(context(), joinRequest('idle', ''))
    await offsets.commitOffsets(context(7), commitRequest('simple', -1, '', [['events', 0, 1]]))
    const busy = (await stableGroup('busy', 1)).joined[0]!.memberId
    const { joined } = await stableGroup('left', 1)
    await coordinator.leaveGroup(context(3), { groupId: 'left', memberId: '', members: [{ memberId: joined[0]!.memberId, groupInstanceId: null, reason: null }] })
    assert.deepEqual(await coordinator.deleteUnusedGroups(), [], 'a first sighting only marks the groups')
    for (let elapsed = 0; elapsed <= 10_000; elapsed += 5000) {
      assert.equal(await coordinator.heartbeat(context(), 'busy', busy, null, 1), 0)
      scheduler.advance(5000)
    }
    const deleted = await coordinator.deleteUnusedGroups()
    assert.deepEqual(deleted.map(group => group.groupId).sort(), ['left'], 'the pending member of idle was still there at the first sweep')
    assert.deepEqual((await coordinator.deleteUnusedGroups()).map(group => group.groupId), ['idle'])
    assert.deepEqual((await catalog.listGroups(CLUSTER)).map(group => group.groupId), ['busy', 'simple'])
  })

  it('finds groups and offsets again after a restart, Empty, with the generation carried on', async () => {
    const { coordinator, offsets, context, createTopic, stableGroup, catalog } = await groupTestKit()
    await createTopic('events', 1)
    const { joined } = await stableGroup('g', 1)
    await offsets.commitOffsets(context(7), commitRequest('g', 1, joined[0]!.memberId, [['events', 0, 42]]))
    await settle()
    assert.equal((await catalog.getGroup(CLUSTER, 'g'))?.state, 'Stable')

    const scheduler = new ManualScheduler()
    const restarted = new GroupCoordinator({ catalog, clock: scheduler, scheduler, logger: silentLogger, settings: TEST_SETTINGS })
    const [described] = await restarted.describeGroups(CLUSTER, ['g'])
    assert.equal(described?.groupState, 'Empty')
    assert.equal(described?.protocolType, 'consumer')
    assert.equal(await restarted.heartbeat(context(), 'g', joined[0]!.memberId, null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
    const first = await restarted.joinGroup(context(), joinRequest('g', ''))
    const answer = restarted.joinGroup(context(), joinRequest('g', first.memberId))
    await settle()
    scheduler.advance(TEST_SETTINGS.initialRebalanceDelayMs)
    assert.equal((await answer).generationId, 2)
    await settle()
    assert.equal((await catalog.getGroup(CLUSTER, 'g'))?.state, 'CompletingRebalance')
    await restarted.close()
    await coordinator.close()
  })
})
