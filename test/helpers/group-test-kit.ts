// Shared set-up of the group coordinator's unit tests: a coordinator over an in-memory Catalog with
// a manual clock, and requests as consumers send them.
import { silentLogger } from '../../src/common/logger.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import { encodeConsumerProtocolSubscription } from '../../src/protocol/messages/consumer-protocol-subscription.ts'
import type { JoinGroupRequest } from '../../src/protocol/messages/join-group.ts'
import type { SyncGroupRequest } from '../../src/protocol/messages/sync-group.ts'
import { MemoryCatalog } from '../../src/storage/memory/memory-catalog.ts'
import type { TopicRecord } from '../../src/storage/catalog.ts'
import { GroupCoordinator, type GroupRequestContext, type GroupSettings } from '../../src/coordinators/group/group-coordinator.ts'
import type { JoinResult } from '../../src/coordinators/group/classic-group-state.ts'
import { GroupOffsets } from '../../src/coordinators/group/group-offsets.ts'
import { ManualScheduler } from '../../src/coordinators/group/scheduler.ts'

export const CLUSTER = 'cluster-1'

export const TEST_SETTINGS: GroupSettings = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3000,
  newMemberJoinTimeoutMs: 300_000,
  maxSize: 1000,
  offsetMetadataMaxBytes: 4096,
  maxMemberMetadataBytes: 1024 * 1024,
  consumerGroupsPerCluster: 5,
  emptyGroupCheckIntervalMs: 600_000
}

/** A consumer protocol subscription (version 1) to these topics. */
export function subscription (topics: string[], userData: string | null = null): Buffer {
  const writer = new Writer()
  writer.int16(1)
  encodeConsumerProtocolSubscription(writer, 1, {
    topics, userData: userData === null ? null : Buffer.from(userData), ownedPartitions: [], generationId: -1, rackId: null
  })
  return writer.toBuffer()
}

export function joinRequest (groupId: string, memberId: string, fields: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['events']) }],
    reason: null,
    ...fields
  }
}

export function syncRequest (groupId: string, memberId: string, generationId: number, fields: Partial<SyncGroupRequest> = {}): SyncGroupRequest {
  return { groupId, generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...fields }
}

/** Lets pending promise callbacks (Catalog calls) run. */
export async function settle (): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise(resolve => setImmediate(resolve))
}

/** Moves the manual clock a step at a time until every promise has settled (at most `maxMs`). */
export async function advanceUntilSettled<T> (scheduler: ManualScheduler, promises: Array<Promise<T>>, stepMs = 500, maxMs = 120_000): Promise<T[]> {
  let settledCount = 0
  for (const promise of promises) void promise.finally(() => { settledCount++ })
  for (let elapsedMs = 0; elapsedMs <= maxMs; elapsedMs += stepMs) {
    await settle()
    if (settledCount === promises.length) return await Promise.all(promises)
    scheduler.advance(stepMs)
  }
  throw new Error(`promises still pending after ${maxMs} ms of manual time`)
}

export async function groupTestKit (settings: Partial<GroupSettings> = {}) {
  const catalog = new MemoryCatalog()
  await catalog.createCluster({ clusterId: CLUSTER, name: 'test', state: 'ACTIVE', createdAtMs: 0 })
  const scheduler = new ManualScheduler()
  let nextId = 0
  const coordinator = new GroupCoordinator({
    catalog, clock: scheduler, scheduler, logger: silentLogger, settings: { ...TEST_SETTINGS, ...settings }, newId: () => `id${++nextId}`
  })
  const topics = new Map<string, TopicRecord>()
  const lookup = {
    get: (clusterId: string, name: string) => [...topics.values()].find(topic => topic.clusterId === clusterId && topic.name === name),
    getById: (clusterId: string, topicId: string) => { const topic = topics.get(topicId); return topic?.clusterId === clusterId ? topic : undefined }
  }
  const offsets = new GroupOffsets({ coordinator, catalog, topics: lookup, logger: silentLogger })
  const createTopic = async (name: string, partitionCount: number): Promise<TopicRecord> => {
    const topic: TopicRecord = { clusterId: CLUSTER, topicId: `topic-${name}`, name, partitionCount, configs: {}, createdAtMs: 0 }
    await catalog.createTopic(topic)
    topics.set(topic.topicId, topic)
    return topic
  }
  const context = (apiVersion = 5, clientId = 'consumer'): GroupRequestContext => ({ clusterId: CLUSTER, apiVersion, clientId, clientHost: '/127.0.0.1' })

  /**
   * Joins members as a v5 client does (dynamic members get MEMBER_ID_REQUIRED first; static ones,
   * with instance ids `groupInstanceId`, `groupInstanceId-1`..., join at once) and completes the
   * join phase; returns the JoinGroup answers in joining order.
   */
  const joinMembers = async (groupId: string, count: number, fields: Partial<JoinGroupRequest> = {}) => {
    const answers: Array<Promise<JoinResult>> = []
    for (let index = 0; index < count; index++) {
      const instanceId = fields.groupInstanceId ?? null
      if (instanceId !== null) {
        const groupInstanceId = index === 0 ? instanceId : `${instanceId}-${index}`
        answers.push(coordinator.joinGroup(context(), joinRequest(groupId, '', { ...fields, groupInstanceId })))
        continue
      }
      const first = await coordinator.joinGroup(context(), joinRequest(groupId, '', fields))
      answers.push(coordinator.joinGroup(context(), joinRequest(groupId, first.memberId, fields)))
    }
    return await advanceUntilSettled(scheduler, answers)
  }

  /** Joins and syncs `count` members; the leader assigns each member its index as bytes. */
  const stableGroup = async (groupId: string, count: number, fields: Partial<JoinGroupRequest> = {}) => {
    const joined = await joinMembers(groupId, count, fields)
    const leader = joined.find(answer => answer.memberId === answer.leader)!
    const followers = joined.filter(answer => answer !== leader)
    const followerSyncs = followers.map(answer => coordinator.syncGroup(context(), syncRequest(groupId, answer.memberId, answer.generationId)))
    const assignments = joined.map((answer, index) => ({ memberId: answer.memberId, assignment: Buffer.from([index]) }))
    const leaderSync = await coordinator.syncGroup(context(), syncRequest(groupId, leader.memberId, leader.generationId, { assignments }))
    return { joined, leader, followers, leaderSync, followerSyncs: await Promise.all(followerSyncs) }
  }

  return { catalog, scheduler, coordinator, offsets, createTopic, context, joinMembers, stableGroup }
}
