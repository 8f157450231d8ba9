// The classic group protocol on a manual clock: joins, protocol choice, sync, heartbeats, leaving,
// session and rebalance timeouts, static membership and the checks of JoinGroup.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { CLUSTER, advanceUntilSettled, groupTestKit, joinRequest, settle, subscription, syncRequest, TEST_SETTINGS } from '../../../test/helpers/group-test-kit.ts'

describe('classic group rebalancer', () => {
  it('asks a new v4+ member to rejoin with its member id (MEMBER_ID_REQUIRED), then admits it', async () => {
    const { coordinator, context, scheduler } = await groupTestKit()
    const first = await coordinator.joinGroup(context(), joinRequest('g', ''))
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.equal(first.memberId, 'consumer-id1')
    const joined = coordinator.joinGroup(context(), joinRequest('g', first.memberId))
    await settle()
    scheduler.advance(TEST_SETTINGS.initialRebalanceDelayMs)
    const answer = await joined
    assert.equal(answer.errorCode, 0)
    assert.equal(answer.generationId, 1)
    assert.equal(answer.leader, first.memberId)
    assert.equal(answer.protocolName, 'range')
    assert.deepEqual(answer.members.map(member => member.memberId), [first.memberId], 'the leader gets the members')
  })

  it('admits a v0-3 member at once, without MEMBER_ID_REQUIRED', async () => {
    const { coordinator, context, scheduler } = await groupTestKit()
    const joined = coordinator.joinGroup(context(3), joinRequest('g', ''))
    await settle()
    scheduler.advance(TEST_SETTINGS.initialRebalanceDelayMs)
    const answer = await joined
    assert.equal(answer.errorCode, 0)
    assert.equal(answer.generationId, 1)
  })

  it('waits the initial rebalance delay, extended while members keep arriving, then gives the leader every member\'s metadata', async () => {
    const { coordinator, context, scheduler } = await groupTestKit()
    const a = coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: [{ name: 'range', metadata: subscription(['a']) }] }))
    await settle()
    scheduler.advance(2000)
    const b = coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: [{ name: 'range', metadata: subscription(['b']) }] }))
    await settle()
    scheduler.advance(1500)
    let isSettled = false
    void b.then(() => { isSettled = true })
    await settle()
    assert.equal(isSettled, false, 'a member joining during the delay extends it')
    scheduler.advance(3000)
    const [first, second] = await Promise.all([a, b])
    assert.equal(first?.generationId, 1)
    assert.equal(second?.generationId, 1)
    const leader = first?.memberId === first?.leader ? first : second
    assert.equal(leader?.members.length, 2)
    const follower = leader === first ? second : first
    assert.deepEqual(follower?.members, [])
  })

  it('selects the protocol every member supports that most members prefer', async () => {
    const { coordinator, context, scheduler } = await groupTestKit()
    const protocols = (...names: string[]) => names.map(name => ({ name, metadata: subscription(['events']) }))
    const answers = [
      coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: protocols('sticky', 'range', 'roundrobin') })),
      coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: protocols('roundrobin', 'range') })),
      coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: protocols('roundrobin', 'sticky', 'range') }))
    ]
    for (const answer of await advanceUntilSettled(scheduler, answers)) assert.equal(answer.protocolName, 'roundrobin')
  })

  it('refuses a member with no protocol in common, another protocol type, no protocols, or metadata that is too large', async () => {
    const { coordinator, context, catalog } = await groupTestKit({ maxMemberMetadataBytes: 100 })
    void coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: [{ name: 'range', metadata: Buffer.alloc(10) }] }))
    await settle()
    const other = await coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: [{ name: 'sticky', metadata: Buffer.alloc(10) }] }))
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const otherType = await coordinator.joinGroup(context(3), joinRequest('g', '', { protocolType: 'connect' }))
    assert.equal(otherType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const none = await coordinator.joinGroup(context(3), joinRequest('fresh', '', { protocols: [] }))
    assert.equal(none.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal(await catalog.getGroup(CLUSTER, 'fresh'), undefined, 'no group is made for a member that can never join')
    const large = await coordinator.joinGroup(context(3), joinRequest('g', '', { protocols: [{ name: 'range', metadata: Buffer.alloc(101) }] }))
    assert.equal(large.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
  })

  it('refuses an empty group id, session timeouts out of bounds, and unknown member ids', async () => {
    const { coordinator, context } = await groupTestKit()
    assert.equal((await coordinator.joinGroup(context(), joinRequest('', ''))).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal((await coordinator.joinGroup(context(), joinRequest('g', '', { sessionTimeoutMs: 5999 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    assert.equal((await coordinator.joinGroup(context(), joinRequest('g', '', { sessionTimeoutMs: 1_800_001 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    assert.equal((await coordinator.joinGroup(context(), joinRequest('missing', 'made-up'))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    await coordinator.joinGroup(context(), joinRequest('g', ''))
    assert.equal((await coordinator.joinGroup(context(), joinRequest('g', 'made-up'))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await coordinator.syncGroup(context(), syncRequest('', 'm', 1))).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal(await coordinator.heartbeat(context(), '', 'm', null, 1), ErrorCode.INVALID_GROUP_ID)
  })

  it('refuses a new group beyond the cluster\'s group limit with GROUP_MAX_SIZE_REACHED, and admits existing groups', async () => {
    const { coordinator, context, catalog } = await groupTestKit({ consumerGroupsPerCluster: 2 })
    await coordinator.joinGroup(context(), joinRequest('one', ''))
    await coordinator.joinGroup(context(), joinRequest('two', ''))
    assert.equal((await coordinator.joinGroup(context(), joinRequest('three', ''))).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
    assert.equal((await coordinator.joinGroup(context(), joinRequest('one', ''))).errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.deepEqual((await catalog.listGroups(CLUSTER)).map(group => group.groupId), ['one', 'two'])
  })

  it('refuses members beyond group.max.size with GROUP_MAX_SIZE_REACHED', async () => {
    const { coordinator, context } = await groupTestKit({ maxSize: 1 })
    void coordinator.joinGroup(context(3), joinRequest('g', ''))
    await settle()
    assert.equal((await coordinator.joinGroup(context(3), joinRequest('g', ''))).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
  })

  it('distributes the leader\'s assignment: followers wait for it, members left out get nothing', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    const { leaderSync, followerSyncs, joined, leader } = await stableGroup('g', 2)
    const leaderIndex = joined.indexOf(leader)
    assert.deepEqual(leaderSync, { errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from([leaderIndex]) })
    assert.equal(followerSyncs.length, 1)
    assert.deepEqual(followerSyncs[0]?.assignment, Buffer.from([1 - leaderIndex]))
    const again = await coordinator.syncGroup(context(), syncRequest('g', joined[1]!.memberId, 1))
    assert.deepEqual(again.assignment, Buffer.from([1]), 'a Stable group answers SyncGroup with the member\'s assignment')
  })

  it('checks SyncGroup: unknown member, stale generation, other protocol type or name', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('g', 2)
    const memberId = joined[0]!.memberId
    assert.equal((await coordinator.syncGroup(context(), syncRequest('g', 'made-up', 1))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await coordinator.syncGroup(context(), syncRequest('missing', memberId, 1))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await coordinator.syncGroup(context(), syncRequest('g', memberId, 0))).errorCode, ErrorCode.ILLEGAL_GENERATION)
    assert.equal((await coordinator.syncGroup(context(5), syncRequest('g', memberId, 1, { protocolType: 'connect' }))).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await coordinator.syncGroup(context(5), syncRequest('g', memberId, 1, { protocolName: 'sticky' }))).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await coordinator.syncGroup(context(5), syncRequest('g', memberId, 1, { protocolType: 'consumer', protocolName: 'range' }))).errorCode, 0)
  })

  it('answers heartbeats: 0 when Stable, REBALANCE_IN_PROGRESS during a rebalance, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('g', 2)
    const [a, b] = joined.map(answer => answer.memberId) as [string, string]
    assert.equal(await coordinator.heartbeat(context(), 'g', a, null, 1), 0)
    assert.equal(await coordinator.heartbeat(context(), 'g', a, null, 0), ErrorCode.ILLEGAL_GENERATION)
    assert.equal(await coordinator.heartbeat(context(), 'g', 'made-up', null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await coordinator.heartbeat(context(), 'missing', a, null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
    const rejoin = coordinator.joinGroup(context(), joinRequest('g', a, { protocols: [{ name: 'range', metadata: subscription(['other']) }] }))
    await settle()
    assert.equal(await coordinator.heartbeat(context(), 'g', b, null, 1), ErrorCode.REBALANCE_IN_PROGRESS)
    const rejoinB = coordinator.joinGroup(context(), joinRequest('g', b))
    const answers = await Promise.all([rejoin, rejoinB])
    assert.deepEqual(answers.map(answer => answer.generationId), [2, 2], 'all members rejoined: the generation completes at once')
  })

  it('removes a member whose session expires and rebalances the others', async () => {
    const { coordinator, context, scheduler, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('g', 2)
    const [a, b] = joined.map(answer => answer.memberId) as [string, string]
    for (let elapsed = 0; elapsed < 12_000; elapsed += 3000) {
      scheduler.advance(3000)
      assert.equal(await coordinator.heartbeat(context(), 'g', a, null, 1), elapsed + 3000 > 10_000 ? ErrorCode.REBALANCE_IN_PROGRESS : 0)
    }
    assert.equal(await coordinator.heartbeat(context(), 'g', b, null, 1), ErrorCode.UNKNOWN_MEMBER_ID, 'b stopped heartbeating and is gone')
    const rejoined = await coordinator.joinGroup(context(), joinRequest('g', a))
    assert.equal(rejoined.generationId, 2)
    assert.deepEqual(rejoined.members.map(member => member.memberId), [a])
  })

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const { coordinator, context, scheduler, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('g', 2)
    const [a, b] = joined.map(answer => answer.memberId) as [string, string]
    const rejoin = coordinator.joinGroup(context(), joinRequest('g', a, { protocols: [{ name: 'range', metadata: subscription(['x']) }] }))
    await settle()
    for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
      scheduler.advance(5000)
      await coordinator.heartbeat(context(), 'g', b, null, 1)
    }
    const answer = await rejoin
    assert.equal(answer.generationId, 2)
    assert.deepEqual(answer.members.map(member => member.memberId), [a])
    assert.equal(await coordinator.heartbeat(context(), 'g', b, null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('drops members that heartbeat but do not send SyncGroup within the rebalance timeout', async () => {
    const { coordinator, context, scheduler, joinMembers } = await groupTestKit()
    const joined = await joinMembers('g', 2)
    const leader = joined.find(answer => answer.memberId === answer.leader)!
    const follower = joined.find(answer => answer !== leader)!
    await coordinator.syncGroup(context(), syncRequest('g', leader.memberId, 1, { assignments: [] }))
    for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
      assert.equal(await coordinator.heartbeat(context(), 'g', leader.memberId, null, 1), 0)
      assert.equal(await coordinator.heartbeat(context(), 'g', follower.memberId, null, 1), 0)
      scheduler.advance(5000)
    }
    assert.equal(await coordinator.heartbeat(context(), 'g', follower.memberId, null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await coordinator.heartbeat(context(), 'g', leader.memberId, null, 1), ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('lets members leave (v3+ in batches, by instance id too) and answers UNKNOWN_MEMBER_ID for strangers', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('g', 3)
    const [a, b, c] = joined.map(answer => answer.memberId) as [string, string, string]
    const single = await coordinator.leaveGroup(context(1), { groupId: 'g', memberId: a, members: [] })
    assert.deepEqual(single.members.map(member => member.errorCode), [0])
    const batch = await coordinator.leaveGroup(context(3), {
      groupId: 'g', memberId: '', members: [{ memberId: b, groupInstanceId: null, reason: 'done' }, { memberId: 'made-up', groupInstanceId: null, reason: null }]
    })
    assert.deepEqual(batch.members.map(member => member.errorCode), [0, ErrorCode.UNKNOWN_MEMBER_ID])
    assert.equal(await coordinator.heartbeat(context(), 'g', c, null, 1), ErrorCode.REBALANCE_IN_PROGRESS)
    assert.equal((await coordinator.leaveGroup(context(3), { groupId: 'missing', memberId: '', members: [] })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('removes static members by instance id alone (administrative leave)', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    await stableGroup('s', 1, { groupInstanceId: 'instance-a' })
    const result = await coordinator.leaveGroup(context(3), {
      groupId: 's', memberId: '', members: [{ memberId: '', groupInstanceId: 'instance-a', reason: null }, { memberId: '', groupInstanceId: 'nobody', reason: null }]
    })
    assert.deepEqual(result.members.map(member => member.errorCode), [0, ErrorCode.UNKNOWN_MEMBER_ID])
    const [described] = await coordinator.describeGroups(CLUSTER, ['s'])
    assert.equal(described?.groupState, 'Empty')
  })

  it('lets a restarting static member with unchanged metadata take its old place without a rebalance; the old id is fenced', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    const { joined } = await stableGroup('s', 2, { groupInstanceId: null })
    const staticGroup = await stableGroup('t', 1, { groupInstanceId: 'instance-a' })
    const oldMemberId = staticGroup.joined[0]!.memberId
    const rejoined = await coordinator.joinGroup(context(5), joinRequest('t', '', { groupInstanceId: 'instance-a' }))
    assert.equal(rejoined.errorCode, 0)
    assert.notEqual(rejoined.memberId, oldMemberId)
    assert.equal(rejoined.generationId, 1, 'same generation: no rebalance')
    assert.equal(rejoined.leader, oldMemberId, 'v5 clients are told the old leader id, so they sync as followers')
    const sync = await coordinator.syncGroup(context(5), syncRequest('t', rejoined.memberId, 1, { groupInstanceId: 'instance-a' }))
    assert.deepEqual(sync.assignment, Buffer.from([0]), 'the assignment carries over')
    assert.equal(await coordinator.heartbeat(context(), 't', oldMemberId, 'instance-a', 1), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(await coordinator.heartbeat(context(), 't', rejoined.memberId, 'instance-a', 1), 0)
    const [described] = await coordinator.describeGroups(CLUSTER, ['t'])
    assert.equal(described?.groupState, 'Stable')
    assert.equal(joined.length, 2)
  })

  it('tells a v9 static leader rejoining unchanged to skip the assignment', async () => {
    const { coordinator, context, stableGroup } = await groupTestKit()
    await stableGroup('t', 1, { groupInstanceId: 'instance-a' })
    const rejoined = await coordinator.joinGroup(context(9), joinRequest('t', '', { groupInstanceId: 'instance-a' }))
    assert.equal(rejoined.leader, rejoined.memberId)
    assert.equal(rejoined.skipAssignment, true)
    assert.equal(rejoined.members.length, 1)
  })

  it('rebalances when a static member rejoins with changed metadata', async () => {
    const { coordinator, context, stableGroup, scheduler } = await groupTestKit()
    await stableGroup('t', 1, { groupInstanceId: 'instance-a' })
    const rejoined = coordinator.joinGroup(context(5), joinRequest('t', '', {
      groupInstanceId: 'instance-a', protocols: [{ name: 'range', metadata: subscription(['events', 'more']) }]
    }))
    await settle()
    scheduler.advance(1)
    const answer = await rejoined
    assert.equal(answer.generationId, 2)
  })

  it('keeps a static member that has not rejoined through the join phase; its session still ends it', async () => {
    const { coordinator, context, stableGroup, scheduler } = await groupTestKit()
    const staticGroup = await stableGroup('u', 1, { groupInstanceId: 'instance-a', sessionTimeoutMs: 60_000 })
    const dynamic = coordinator.joinGroup(context(3), joinRequest('u', ''))
    await settle()
    scheduler.advance(30_000)
    const answer = await dynamic
    assert.equal(answer.generationId, 2, 'the join phase ends at the rebalance timeout')
    assert.equal(answer.leader, answer.memberId, 'the member that rejoined leads')
    assert.deepEqual(answer.members.map(member => member.groupInstanceId).sort(), ['instance-a', null])
    scheduler.advance(60_000)
    assert.equal(await coordinator.heartbeat(context(), 'u', staticGroup.joined[0]!.memberId, 'instance-a', 2), ErrorCode.UNKNOWN_MEMBER_ID)
  })
})
