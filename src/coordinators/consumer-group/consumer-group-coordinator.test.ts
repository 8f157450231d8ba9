// The consumer group protocol (KIP-848) state machine on a manual clock: joins and epochs, the
// revoke-before-reassign reconciliation, leaving, session and rebalance timeouts, fencing, static
// members, regex subscriptions, topic changes, the group limits, offset checks and the shared group
// id namespace with classic groups.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../../common/logger.ts'
import { ErrorCode, errorName } from '../../protocol/error-codes.ts'
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/messages/consumer-group-heartbeat.ts'
import { MemoryCatalog } from '../../storage/memory/memory-catalog.ts'
import type { TopicRecord } from '../../storage/catalog.ts'
import { GroupCoordinator, type GroupRequestContext } from '../group/group-coordinator.ts'
import { ManualScheduler } from '../group/scheduler.ts'
import { advanceUntilSettled, CLUSTER, joinRequest, settle, TEST_SETTINGS } from '../../../test/helpers/group-test-kit.ts'
import { ConsumerGroupCoordinator, type HeartbeatResult } from './consumer-group-coordinator.ts'

const SESSION_MS = 45_000
const REBALANCE_MS = 30_000

async function kit (options: { maxSize?: number, groupLimit?: number } = {}) {
  const catalog = new MemoryCatalog()
  await catalog.createCluster({ clusterId: CLUSTER, name: 'test', state: 'ACTIVE', createdAtMs: 0 })
  const scheduler = new ManualScheduler()
  const topics: TopicRecord[] = []
  const addTopic = (name: string, partitionCount: number): TopicRecord => {
    const topic = { clusterId: CLUSTER, topicId: `id-${name}`, name, partitionCount, configs: {}, createdAtMs: 0 }
    topics.push(topic)
    return topic
  }
  const settings = { ...TEST_SETTINGS, consumerGroupsPerCluster: options.groupLimit ?? 5 }
  const classic = new GroupCoordinator({ catalog, clock: scheduler, scheduler, logger: silentLogger, settings })
  const coordinator = new ConsumerGroupCoordinator({
    catalog,
    clock: scheduler,
    scheduler,
    logger: silentLogger,
    topics: { list: () => [...topics], getById: (_clusterId, topicId) => topics.find(topic => topic.topicId === topicId) },
    classicGroups: classic,
    settings: { sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 5000, maxSize: options.maxSize ?? 100, consumerGroupsPerCluster: settings.consumerGroupsPerCluster }
  })
  const context: GroupRequestContext = { clusterId: CLUSTER, apiVersion: 1, clientId: 'test-client', clientHost: '/127.0.0.1' }
  const heartbeat = async (fields: Partial<ConsumerGroupHeartbeatRequest> & { memberId: string }): Promise<HeartbeatResult> =>
    await coordinator.heartbeat(context, {
      groupId: 'g',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: REBALANCE_MS,
      subscribedTopicNames: ['t'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
      ...fields
    })
  /** A heartbeat of a member in the group: its epoch and the partitions it owns, other fields unchanged (null / -1). */
  const beat = async (memberId: string, memberEpoch: number, owned: number[], topicId = 'id-t'): Promise<HeartbeatResult> =>
    await heartbeat({
      memberId, memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: owned.length === 0 ? [] : [{ topicId, partitions: owned }]
    })
  return { catalog, scheduler, classic, coordinator, context, heartbeat, beat, addTopic }
}

function partitionsOf (result: HeartbeatResult): number[] | undefined {
  return result.assignment?.topicPartitions.flatMap(({ partitions }) => partitions).sort((a, b) => a - b)
}

function assertOk (result: HeartbeatResult): void {
  assert.equal(result.errorCode, 0, `${errorName(result.errorCode)}: ${result.errorMessage ?? ''}`)
}

describe('consumer group coordinator', () => {
  it('gives a first member every partition at epoch 1, and tells the heartbeat interval', async () => {
    const { heartbeat, addTopic, coordinator } = await kit()
    addTopic('t', 6)
    const joined = await heartbeat({ memberId: 'm1' })
    assertOk(joined)
    assert.equal(joined.memberId, 'm1')
    assert.equal(joined.memberEpoch, 1)
    assert.equal(joined.heartbeatIntervalMs, 5000)
    assert.deepEqual(partitionsOf(joined), [0, 1, 2, 3, 4, 5])
    assert.equal(coordinator.peek(CLUSTER, 'g')?.state, 'Stable')
  })

  it('moves a partition to a new member only after its previous owner has revoked it', async () => {
    const { heartbeat, beat, addTopic, coordinator } = await kit()
    addTopic('t', 6)
    await heartbeat({ memberId: 'm1' })
    const second = await heartbeat({ memberId: 'm2' })
    assertOk(second)
    assert.equal(second.memberEpoch, 2, 'the new member is at the new epoch')
    assert.deepEqual(partitionsOf(second), [], 'but gets nothing m1 still owns')
    assert.equal(coordinator.peek(CLUSTER, 'g')?.state, 'Reconciling')

    const told = await beat('m1', 1, [0, 1, 2, 3, 4, 5])
    assert.equal(told.memberEpoch, 1, 'the owner keeps its epoch until it has revoked')
    const kept = partitionsOf(told)!
    assert.equal(kept.length, 3)
    const given = [0, 1, 2, 3, 4, 5].filter(partition => !kept.includes(partition))

    const early = await beat('m2', 2, [])
    assert.equal(early.assignment, null, 'nothing is handed over while m1 has not revoked')

    const revoked = await beat('m1', 1, kept)
    assert.equal(revoked.memberEpoch, 2)
    const received = await beat('m2', 2, [])
    assert.deepEqual(partitionsOf(received), given)
    assert.equal(coordinator.peek(CLUSTER, 'g')?.state, 'Stable')
  })

  it('frees a leaving member\'s partitions at once (epoch -1) for the others to take', async () => {
    const { heartbeat, beat, addTopic, coordinator } = await kit()
    addTopic('t', 4)
    await heartbeat({ memberId: 'm1' })
    await heartbeat({ memberId: 'm2' })
    const kept = partitionsOf(await beat('m1', 1, [0, 1, 2, 3]))!
    await beat('m1', 1, kept)
    await beat('m2', 2, [])
    const left = await beat('m2', -1, [])
    assertOk(left)
    assert.equal(left.memberEpoch, -1)
    const all = await beat('m1', 2, kept)
    assert.equal(all.memberEpoch, 3)
    assert.deepEqual(partitionsOf(all), [0, 1, 2, 3])
    assert.deepEqual([...coordinator.peek(CLUSTER, 'g')!.members.keys()], ['m1'])
  })

  it('removes a member whose session times out, and one that does not revoke within its rebalance timeout', async () => {
    const { heartbeat, beat, addTopic, coordinator, scheduler } = await kit()
    addTopic('t', 4)
    await heartbeat({ memberId: 'm1' })
    await heartbeat({ memberId: 'm2' })
    await beat('m1', 1, [0, 1, 2, 3])
    // m1 now must revoke two partitions; m2 keeps heartbeating, m1 goes silent.
    let last = await beat('m2', 2, [])
    for (let elapsedMs = 0; elapsedMs < REBALANCE_MS; elapsedMs += 5000) {
      scheduler.advance(5000)
      await settle()
      last = await beat('m2', last.memberEpoch, [])
    }
    assert.deepEqual([...coordinator.peek(CLUSTER, 'g')!.members.keys()], ['m2'], 'm1 was fenced at its rebalance timeout')
    // A full request (all fields set) is always answered with the assignment.
    const full = await heartbeat({ memberId: 'm2', memberEpoch: last.memberEpoch })
    assert.equal(full.memberEpoch, 3)
    assert.deepEqual(partitionsOf(full), [0, 1, 2, 3])
    scheduler.advance(SESSION_MS)
    await settle()
    assert.equal(coordinator.peek(CLUSTER, 'g')?.members.size, 0, 'm2 expired without heartbeats')
    assert.equal(coordinator.peek(CLUSTER, 'g')?.state, 'Empty')
    assert.equal((await beat('m2', 4, [])).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('fences unknown members and wrong epochs, but accepts the previous epoch with a subset of the assignment', async () => {
    const { heartbeat, beat, addTopic } = await kit()
    addTopic('t', 2)
    await heartbeat({ memberId: 'm1' })
    assert.equal((await beat('nobody', 1, [])).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await beat('m1', 7, [])).errorCode, ErrorCode.FENCED_MEMBER_EPOCH)
    await heartbeat({ memberId: 'm2' })
    const kept = partitionsOf(await beat('m1', 1, [0, 1]))!
    await beat('m1', 1, kept)
    const lostAnswer = await beat('m1', 1, kept)
    assertOk(lostAnswer)
    assert.equal(lostAnswer.memberEpoch, 2)
    assert.equal((await beat('m1', 1, [0, 1])).errorCode, ErrorCode.FENCED_MEMBER_EPOCH, 'the previous epoch with more than it owns is fenced')
    assert.equal((await heartbeat({ groupId: 'missing', memberId: 'x', memberEpoch: 3, topicPartitions: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('refuses bad requests as Kafka does: INVALID_REQUEST, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION', async () => {
    const { heartbeat, addTopic } = await kit()
    addTopic('t', 1)
    const cases: Array<[Partial<ConsumerGroupHeartbeatRequest>, number, RegExp]> = [
      [{ memberId: '' }, ErrorCode.INVALID_REQUEST, /MemberId can't be empty/],
      [{ groupId: '' }, ErrorCode.INVALID_REQUEST, /GroupId can't be empty/],
      [{ rebalanceTimeoutMs: -1 }, ErrorCode.INVALID_REQUEST, /RebalanceTimeoutMs must be provided/],
      [{ topicPartitions: [{ topicId: 'id-t', partitions: [0] }] }, ErrorCode.INVALID_REQUEST, /TopicPartitions must be empty/],
      [{ subscribedTopicNames: null }, ErrorCode.INVALID_REQUEST, /SubscribedTopicNames or SubscribedTopicRegex/],
      [{ memberEpoch: -2 }, ErrorCode.INVALID_REQUEST, /InstanceId can't be null/],
      [{ memberEpoch: -3 }, ErrorCode.INVALID_REQUEST, /MemberEpoch is invalid/],
      [{ serverAssignor: 'sticky' }, ErrorCode.UNSUPPORTED_ASSIGNOR, /Supported assignors: uniform, range/],
      [{ subscribedTopicNames: null, subscribedTopicRegex: 't(' }, ErrorCode.INVALID_REGULAR_EXPRESSION, /is invalid/]
    ]
    for (const [fields, errorCode, message] of cases) {
      const result = await heartbeat({ memberId: 'm1', ...fields })
      assert.equal(errorName(result.errorCode), errorName(errorCode), JSON.stringify(fields))
      assert.match(result.errorMessage ?? '', message)
    }
  })

  it('subscribes by regex to every matching topic, and recomputes the target when topics are created or grow', async () => {
    const { heartbeat, beat, addTopic } = await kit()
    addTopic('orders-eu', 1)
    addTopic('payments', 1)
    const joined = await heartbeat({ memberId: 'm1', subscribedTopicNames: null, subscribedTopicRegex: 'orders-.*' })
    assert.deepEqual(joined.assignment?.topicPartitions, [{ topicId: 'id-orders-eu', partitions: [0] }])
    const us = addTopic('orders-us', 2)
    const grown = await beat('m1', 1, [0], 'id-orders-eu')
    assert.equal(grown.memberEpoch, 2)
    assert.deepEqual(grown.assignment?.topicPartitions, [{ topicId: 'id-orders-eu', partitions: [0] }, { topicId: 'id-orders-us', partitions: [0, 1] }])
    us.partitionCount = 3
    const more = await heartbeat({ memberId: 'm1', memberEpoch: 2, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null })
    assert.equal(more.memberEpoch, 3)
    assert.deepEqual(more.assignment?.topicPartitions.find(({ topicId }) => topicId === 'id-orders-us')?.partitions, [0, 1, 2])
  })

  it('uses the range assignor when members ask for it', async () => {
    const { heartbeat, beat, addTopic, coordinator } = await kit()
    addTopic('t', 4)
    await heartbeat({ memberId: 'a', serverAssignor: 'range' })
    await heartbeat({ memberId: 'b', serverAssignor: 'range' })
    assert.equal(coordinator.peek(CLUSTER, 'g')?.assignorName, 'range')
    const kept = partitionsOf(await beat('a', 1, [0, 1, 2, 3]))
    assert.deepEqual(kept, [0, 1], 'a keeps the first range')
  })

  it('keeps a static member\'s assignment while it is away (epoch -2) and gives it back when it rejoins', async () => {
    const { heartbeat, addTopic, coordinator } = await kit()
    addTopic('t', 2)
    const first = await heartbeat({ memberId: 's1', instanceId: 'box-1' })
    const away = await heartbeat({ memberId: 's1', instanceId: 'box-1', memberEpoch: -2, topicPartitions: null })
    assertOk(away)
    assert.equal(away.memberEpoch, -2)
    assert.equal(coordinator.peek(CLUSTER, 'g')?.members.size, 1, 'the away member stays in the group')
    const back = await heartbeat({ memberId: 's1-again', instanceId: 'box-1' })
    assertOk(back)
    assert.equal(back.memberEpoch, first.memberEpoch, 'no rebalance: the group epoch did not move')
    assert.deepEqual(partitionsOf(back), [0, 1])
    assert.equal(coordinator.peek(CLUSTER, 'g')?.members.has('s1'), false)
    const duplicate = await heartbeat({ memberId: 's1-third', instanceId: 'box-1' })
    assert.equal(duplicate.errorCode, ErrorCode.UNRELEASED_INSTANCE_ID)
    const fenced = await heartbeat({ memberId: 's1', instanceId: 'box-1', memberEpoch: 1, topicPartitions: null })
    assert.equal(fenced.errorCode, ErrorCode.FENCED_INSTANCE_ID)
  })

  it('answers GROUP_MAX_SIZE_REACHED beyond group.max.size and beyond the cluster\'s group limit', async () => {
    const { heartbeat, addTopic } = await kit({ maxSize: 1, groupLimit: 1 })
    addTopic('t', 1)
    assertOk(await heartbeat({ memberId: 'm1' }))
    assert.equal((await heartbeat({ memberId: 'm2' })).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
    assert.equal((await heartbeat({ groupId: 'second', memberId: 'm3' })).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
  })

  it('checks OffsetCommit and OffsetFetch member epochs of consumer-protocol members', async () => {
    const { heartbeat, coordinator, addTopic } = await kit()
    addTopic('t', 1)
    await heartbeat({ memberId: 'm1' })
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'g', 'm1', 1, 9), 0)
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'g', 'm1', 0, 9), ErrorCode.STALE_MEMBER_EPOCH)
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'g', 'ghost', 1, 9), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'g', 'm1', 1, 8), ErrorCode.UNSUPPORTED_VERSION)
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'g', '', -1, 9), ErrorCode.UNKNOWN_MEMBER_ID, 'epoch -1 only while the group is empty')
    assert.equal(coordinator.validateOffsetCommit(CLUSTER, 'classic', 'm1', 1, 9), undefined)
    assert.equal(coordinator.validateOffsetFetch(CLUSTER, 'g', 'm1', 0), ErrorCode.STALE_MEMBER_EPOCH)
    assert.equal(coordinator.validateOffsetFetch(CLUSTER, 'g', null, -1), 0)
  })

  it('shares group ids with classic groups: no takeover of a group with members, an empty one converts', async () => {
    const { heartbeat, classic, context, addTopic, scheduler, coordinator } = await kit()
    addTopic('t', 1)
    await heartbeat({ memberId: 'm1' })
    const join = await classic.joinGroup({ ...context, apiVersion: 3 }, joinRequest('g', ''))
    assert.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)

    const [classicJoin] = await advanceUntilSettled(scheduler, [classic.joinGroup({ ...context, apiVersion: 3 }, joinRequest('c', ''))])
    assert.equal(classicJoin?.errorCode, 0)
    const refused = await heartbeat({ groupId: 'c', memberId: 'm9' })
    assert.equal(refused.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.match(refused.errorMessage ?? '', /is not a consumer group/)

    await heartbeat({ memberId: 'm1', memberEpoch: -1, topicPartitions: null })
    const [converted] = await advanceUntilSettled(scheduler, [classic.joinGroup({ ...context, apiVersion: 3 }, joinRequest('g', ''))])
    assert.equal(converted?.errorCode, 0, 'an empty consumer-protocol group becomes a classic one')
    assert.equal(coordinator.peek(CLUSTER, 'g'), undefined)
  })
})
