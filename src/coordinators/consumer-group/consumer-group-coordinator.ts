// The consumer group protocol (KIP-848) coordinator of this node: ConsumerGroupHeartbeat (join,
// heartbeat, leave, static members, fencing), server-side assignment with the uniform and range
// assignors, session and rebalance timeouts, ConsumerGroupDescribe, and the checks OffsetCommit and
// OffsetFetch make of consumer-protocol members. Members live in this node's memory only
// (DESIGN.md); the group's record in the Catalog counts it against the cluster's group limit.
// Group ids are shared with the classic coordinator: an empty group of either kind may be taken
// over by the other protocol (as Kafka converts it), a group with members may not.
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../common/clock.ts'
import { KafkaError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../../protocol/messages/consumer-group-heartbeat.ts'
import type { DescribedGroup } from '../../protocol/messages/consumer-group-describe.ts'
import type { ListedGroup } from '../../protocol/messages/list-groups.ts'
import type { Catalog, TopicRecord } from '../../storage/catalog.ts'
import type { ConsumerGroupDirectory, ConsumerGroupHolding } from '../group/consumer-group-directory.ts'
import type { GroupRequestContext } from '../group/group-coordinator.ts'
import { KeyedQueue } from '../group/keyed-queue.ts'
import { LatestStateWriter } from '../group/latest-state-writer.ts'
import type { ScheduledTask, Scheduler } from '../group/scheduler.ts'
import type { PartitionAssignor } from './assignors/assignor.ts'
import { ASSIGNORS } from './assignors/assignors.ts'
import { ConsumerGroup, fromWire, toWire } from './consumer-group.ts'
import {
  compileTopicRegex, ConsumerGroupMember, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH
} from './consumer-group-member.ts'

export type HeartbeatResult = Omit<ConsumerGroupHeartbeatResponse, 'throttleTimeMs'>

export interface ConsumerGroupSettings {
  /** group.consumer.session.timeout.ms (45 s): a member without a heartbeat for this long is removed. */
  sessionTimeoutMs: number
  /** group.consumer.heartbeat.interval.ms (5 s): told to members in every answer. */
  heartbeatIntervalMs: number
  /** group.consumer.max.size: members per group (GROUP_MAX_SIZE_REACHED beyond). */
  maxSize: number
  /** The cluster's group limit, shared with classic groups (catalog.createGroup). */
  consumerGroupsPerCluster: number
}

/** The classic coordinator as this one needs it: to take over an empty classic group's id. */
export interface ClassicGroups {
  /** Drops an empty classic group from memory (record and offsets stay); 'has-members' when it cannot. */
  releaseForConsumerProtocol: (clusterId: string, groupId: string) => Promise<'absent' | 'released' | 'has-members'>
  attachConsumerGroups: (directory: ConsumerGroupDirectory) => void
}

export interface ConsumerGroupTopics {
  list: (clusterId: string) => TopicRecord[]
  getById: (clusterId: string, topicId: string) => TopicRecord | undefined
}

export interface ConsumerGroupCoordinatorOptions {
  catalog: Catalog
  clock: Clock
  scheduler: Scheduler
  logger: Logger
  settings: ConsumerGroupSettings
  topics: ConsumerGroupTopics
  classicGroups?: ClassicGroups
  assignors?: ReadonlyMap<string, PartitionAssignor>
  newMemberId?: () => string
}

/** authorizedOperations when the client did not ask for them. */
const UNKNOWN_OPERATIONS = -2147483648

function groupKey (clusterId: string, groupId: string): string {
  return `${clusterId}\u0000${groupId}`
}

function refusal (errorCode: number, errorMessage: string, memberId: string | null = null): HeartbeatResult {
  return { errorCode, errorMessage, memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null }
}

export class ConsumerGroupCoordinator implements ConsumerGroupDirectory {
  readonly #catalog: Catalog
  readonly #scheduler: Scheduler
  readonly #logger: Logger
  readonly #settings: ConsumerGroupSettings
  readonly #topics: ConsumerGroupTopics
  readonly #classicGroups: ClassicGroups | undefined
  readonly #assignors: ReadonlyMap<string, PartitionAssignor>
  readonly #newMemberId: () => string
  readonly #groups = new Map<string, ConsumerGroup>()
  readonly #locks = new KeyedQueue()
  /** Session and rebalance timers by group key and then timer name. */
  readonly #timers = new Map<string, Map<string, ScheduledTask>>()
  readonly #recording: LatestStateWriter

  constructor (options: ConsumerGroupCoordinatorOptions) {
    this.#catalog = options.catalog
    this.#scheduler = options.scheduler
    this.#logger = options.logger
    this.#recording = new LatestStateWriter(this.#logger)
    this.#settings = options.settings
    this.#topics = options.topics
    this.#classicGroups = options.classicGroups
    this.#assignors = options.assignors ?? ASSIGNORS
    this.#newMemberId = options.newMemberId ?? (() => randomUUID())
    this.#classicGroups?.attachConsumerGroups(this)
  }

  /** The group held in memory, if any (for tests and describing). */
  peek (clusterId: string, groupId: string): ConsumerGroup | undefined {
    return this.#groups.get(groupKey(clusterId, groupId))
  }

  /** ConsumerGroupHeartbeat: join (epoch 0), heartbeat (epoch > 0) or leave (-1, or -2 for a static member). */
  async heartbeat (context: GroupRequestContext, request: ConsumerGroupHeartbeatRequest): Promise<HeartbeatResult> {
    const invalid = this.#validate(context.apiVersion, request)
    let regex: RegExp | undefined
    if (invalid === undefined && request.subscribedTopicRegex !== null && request.subscribedTopicRegex !== '') {
      try {
        regex = compileTopicRegex(request.subscribedTopicRegex)
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error
        this.#logger.warn({ group: request.groupId, memberId: request.memberId, regex: request.subscribedTopicRegex }, 'ConsumerGroupHeartbeat refused: invalid regex')
        return refusal(error.errorCode, error.message)
      }
    }
    if (invalid !== undefined) {
      this.#logger.warn({ group: request.groupId, memberId: request.memberId, memberEpoch: request.memberEpoch, errorCode: invalid.errorCode, reason: invalid.errorMessage },
        'ConsumerGroupHeartbeat refused')
      return invalid
    }
    const key = groupKey(context.clusterId, request.groupId)
    const result = await this.#locks.run(key, async () => {
      try {
        if (request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
          return await this.#leave(context, request)
        }
        return await this.#heartbeat(context, request, regex ?? /$^/)
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error
        return refusal(error.errorCode, error.message)
      }
    })
    if (result.errorCode !== 0) {
      this.#logger.info({ group: request.groupId, memberId: request.memberId, memberEpoch: request.memberEpoch, errorCode: result.errorCode, reason: result.errorMessage },
        'ConsumerGroupHeartbeat refused')
    }
    return result
  }

  /**
   * ConsumerGroupDescribe: one entry per group id; GROUP_ID_NOT_FOUND for unknown and classic groups.
   * `operationsOf` gives a group's authorizedOperations when the client asked for them.
   */
  async describe (clusterId: string, groupIds: readonly string[], operationsOf?: (groupId: string) => number): Promise<DescribedGroup[]> {
    const described: DescribedGroup[] = []
    for (const groupId of groupIds) {
      const group = this.peek(clusterId, groupId)
      if (group === undefined || group.state === 'Dead') {
        const record = groupId === '' ? undefined : await this.#catalog.getGroup(clusterId, groupId)
        described.push({
          errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
          errorMessage: record === undefined ? `Group ${groupId} not found.` : `Group ${groupId} is not a consumer group.`,
          groupId,
          groupState: 'Dead',
          groupEpoch: -1,
          assignmentEpoch: -1,
          assignorName: '',
          members: [],
          authorizedOperations: UNKNOWN_OPERATIONS
        })
        continue
      }
      const named = (assignment: ReadonlyMap<string, ReadonlySet<number>>): DescribedGroup['members'][number]['assignment'] => ({
        topicPartitions: toWire(assignment).map(({ topicId, partitions }) => ({
          topicId, topicName: this.#topics.getById(clusterId, topicId)?.name ?? '', partitions
        }))
      })
      described.push({
        errorCode: 0,
        errorMessage: null,
        groupId,
        groupState: group.state,
        groupEpoch: group.groupEpoch,
        assignmentEpoch: group.assignmentEpoch,
        assignorName: group.preferredAssignor(),
        members: [...group.members.values()].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)).map(member => ({
          memberId: member.memberId,
          instanceId: member.instanceId,
          rackId: member.rackId,
          memberEpoch: member.memberEpoch,
          clientId: member.clientId,
          clientHost: member.clientHost,
          subscribedTopicNames: member.subscribedTopicNames,
          subscribedTopicRegex: member.subscribedTopicRegex,
          assignment: named(member.assigned),
          targetAssignment: named(group.targetAssignment.get(member.memberId) ?? new Map())
        })),
        authorizedOperations: operationsOf?.(groupId) ?? UNKNOWN_OPERATIONS
      })
    }
    return described
  }

  /** ListGroups entries of this node's consumer-protocol groups (type "consumer"), filtered as ListGroups v4-5 filter. */
  listGroups (clusterId: string, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map(state => state.toLowerCase()))
    const types = new Set(typesFilter.map(type => type.toLowerCase()))
    if (types.size > 0 && !types.has('consumer')) return []
    return [...this.#groups.values()]
      .filter(group => group.clusterId === clusterId && group.state !== 'Dead')
      .filter(group => states.size === 0 || states.has(group.state.toLowerCase()))
      .map(group => ({ groupId: group.groupId, protocolType: 'consumer', groupState: group.state, groupType: 'consumer' }))
  }

  holding (clusterId: string, groupId: string): ConsumerGroupHolding | undefined {
    const group = this.peek(clusterId, groupId)
    if (group === undefined) return undefined
    return group.members.size > 0 ? 'members' : 'empty'
  }

  release (clusterId: string, groupId: string): boolean {
    const key = groupKey(clusterId, groupId)
    const group = this.#groups.get(key)
    if (group === undefined) return true
    if (group.members.size > 0) return false
    group.markDead()
    this.#groups.delete(key)
    this.#cancelTimers(key)
    this.#logger.info({ group: groupId }, 'empty consumer-protocol group handed over to the classic protocol')
    return true
  }

  validateOffsetCommit (clusterId: string, groupId: string, memberId: string, memberEpoch: number, apiVersion: number): number | undefined {
    const group = this.peek(clusterId, groupId)
    if (group === undefined) return undefined
    // Admin tools and assign() clients commit with epoch -1, allowed while the group has no members.
    if (memberEpoch < 0 && group.members.size === 0) return 0
    const member = group.members.get(memberId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    // Members of the consumer protocol must commit with OffsetCommit v9+, which carries the member epoch.
    if (apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION
    return memberEpoch === member.memberEpoch ? 0 : ErrorCode.STALE_MEMBER_EPOCH
  }

  /**
   * OffsetFetch v9's member check (Kafka's ConsumerGroup.validateOffsetFetch): 0 to answer, an error
   * code, or undefined when no consumer-protocol group holds the id. Without a member id and with a
   * negative epoch (admin tools) the fetch is allowed.
   */
  validateOffsetFetch (clusterId: string, groupId: string, memberId: string | null, memberEpoch: number): number | undefined {
    const group = this.peek(clusterId, groupId)
    if (group === undefined) return undefined
    if (memberId === null && memberEpoch < 0) return 0
    const member = memberId === null ? undefined : group.members.get(memberId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    return memberEpoch === member.memberEpoch ? 0 : ErrorCode.STALE_MEMBER_EPOCH
  }

  subscribedTopicNames (clusterId: string, groupId: string): ReadonlySet<string> | undefined {
    const group = this.peek(clusterId, groupId)
    if (group === undefined) return undefined
    return new Set(group.subscribedTopics(this.#topics.list(clusterId)).map(topic => topic.name))
  }

  /** Stops every timer and waits for group records being written. */
  async close (): Promise<void> {
    for (const key of [...this.#timers.keys()]) this.#cancelTimers(key)
    for (const group of this.#groups.values()) group.markDead()
    this.#groups.clear()
    await this.#recording.idleAll()
  }

  /** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid: INVALID_REQUEST or UNSUPPORTED_ASSIGNOR, with its message. */
  #validate (apiVersion: number, request: ConsumerGroupHeartbeatRequest): HeartbeatResult | undefined {
    const invalid = (message: string): HeartbeatResult => refusal(ErrorCode.INVALID_REQUEST, message)
    const { memberEpoch } = request
    // From v1 the client makes its member id (KIP-1082); v0 members get one from the coordinator.
    if ((apiVersion >= 1 || memberEpoch > 0 || memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) && request.memberId === '') return invalid('MemberId can\'t be empty.')
    if (request.groupId === '') return invalid('GroupId can\'t be empty.')
    if (request.instanceId === '') return invalid('InstanceId can\'t be empty.')
    if (request.rackId === '') return invalid('RackId can\'t be empty.')
    if (memberEpoch === 0) {
      if (request.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.')
      if (request.topicPartitions === null || request.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.')
      if (request.subscribedTopicNames === null && request.subscribedTopicRegex === null) {
        return invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.')
      }
    } else if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (request.instanceId === null) return invalid('InstanceId can\'t be null.')
    } else if (memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      return invalid('MemberEpoch is invalid.')
    }
    if (request.serverAssignor !== null && !this.#assignors.has(request.serverAssignor)) {
      return refusal(ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${request.serverAssignor} is not supported. Supported assignors: ${[...this.#assignors.keys()].join(', ')}.`)
    }
    return undefined
  }

  async #heartbeat (context: GroupRequestContext, request: ConsumerGroupHeartbeatRequest, regex: RegExp): Promise<HeartbeatResult> {
    const { clusterId } = context
    const { groupId, memberEpoch, instanceId } = request
    const key = groupKey(clusterId, groupId)
    let group = this.#groups.get(key)
    if (group === undefined) {
      if (memberEpoch !== 0) return await this.#unknownGroup(clusterId, groupId)
      group = await this.#createGroup(clusterId, groupId)
    }
    const topics = this.#topics.list(clusterId)
    let member: ConsumerGroupMember
    let isChanged = false
    if (memberEpoch === 0) {
      const memberId = request.memberId === '' ? this.#newMemberId() : request.memberId
      const fresh = new ConsumerGroupMember({
        memberId, instanceId, clientId: context.clientId, clientHost: context.clientHost, rebalanceTimeoutMs: request.rebalanceTimeoutMs
      })
      const staticId = instanceId === null ? undefined : group.staticMembers.get(instanceId)
      const previous = staticId === undefined ? undefined : group.members.get(staticId)
      if (previous !== undefined) {
        if (previous.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
          throw new KafkaError(ErrorCode.UNRELEASED_INSTANCE_ID,
            `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${previous.memberId} member.`)
        }
        // The static member is back: it takes over its old assignment and epoch without a rebalance.
        this.#cancelMemberTimers(key, previous.memberId)
        group.replaceStaticMember(previous, fresh)
        this.#logger.info({ group: groupId, memberId, instanceId, previousMemberId: previous.memberId }, 'static member rejoined the consumer group')
      } else {
        const existing = group.members.get(memberId)
        if (existing !== undefined) {
          // Epoch 0 from a known member: it has dropped its partitions and joins afresh.
          this.#cancelMemberTimers(key, memberId)
          group.removeMember(memberId)
        } else if (group.members.size >= this.#settings.maxSize) {
          throw new KafkaError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.#settings.maxSize} members.`)
        }
        group.addMember(fresh)
        isChanged = true
        this.#logger.info({ group: groupId, memberId, instanceId, clientId: context.clientId }, 'member joined the consumer group')
      }
      member = fresh
    } else {
      member = this.#knownMember(group, request)
      // Kafka accepts the previous epoch when the member owns a subset of its assignment: the answer bumping it may have been lost.
      const owned = request.topicPartitions === null ? null : fromWire(request.topicPartitions)
      if (memberEpoch > member.memberEpoch ||
        (memberEpoch < member.memberEpoch && (memberEpoch !== member.previousMemberEpoch || owned === null || !isSubset(owned, member.assigned)))) {
        throw new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH,
          `The consumer group member has a ${memberEpoch > member.memberEpoch ? 'greater' : 'smaller'} member epoch (${memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`)
      }
    }

    if (request.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
    if (request.rackId !== null) member.rackId = request.rackId
    member.clientId = context.clientId
    member.clientHost = context.clientHost
    if (request.subscribedTopicNames !== null && member.subscribeToNames(request.subscribedTopicNames)) isChanged = true
    if (request.subscribedTopicRegex !== null && member.subscribeToRegex(request.subscribedTopicRegex, regex)) isChanged = true
    if (request.serverAssignor !== null && request.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = request.serverAssignor
      isChanged = true
    }
    // Subscribed topics created, deleted or grown since the last look also start a new epoch.
    if (group.updateSubscribedTopics(topics)) isChanged = true
    if (isChanged) group.groupEpoch++
    if (group.groupEpoch > group.assignmentEpoch) this.#computeTarget(group, topics)

    const before = toWire(member.assigned)
    const owned = request.topicPartitions === null ? null : fromWire(request.topicPartitions)
    const isAssignmentChanged = group.reconcile(member, owned)
    this.#scheduleSession(group, member)
    this.#scheduleRebalanceTimeout(group, member)
    this.#record(group)
    if (isAssignmentChanged) {
      this.#logger.debug({ group: groupId, memberId: member.memberId, memberEpoch: member.memberEpoch, before, after: toWire(member.assigned), state: member.state },
        'consumer group member assignment changed')
    }
    const isFullRequest = request.rebalanceTimeoutMs !== -1 &&
      (request.subscribedTopicNames !== null || request.subscribedTopicRegex !== null) && request.topicPartitions !== null
    return {
      errorCode: 0,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.#settings.heartbeatIntervalMs,
      assignment: memberEpoch === 0 || isFullRequest || isAssignmentChanged ? { topicPartitions: toWire(member.assigned) } : null
    }
  }

  /** The member a heartbeat with epoch > 0 names (by instance id for static members), or KafkaError. */
  #knownMember (group: ConsumerGroup, request: ConsumerGroupHeartbeatRequest): ConsumerGroupMember {
    const { memberId, instanceId, groupId } = request
    if (instanceId !== null) {
      const staticId = group.staticMembers.get(instanceId)
      if (staticId === undefined) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`)
      if (staticId !== memberId) {
        throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} was fenced by member ${staticId}.`)
      }
    }
    const member = group.members.get(memberId)
    if (member === undefined) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${groupId}.`)
    return member
  }

  async #leave (context: GroupRequestContext, request: ConsumerGroupHeartbeatRequest): Promise<HeartbeatResult> {
    const { groupId, memberId, instanceId, memberEpoch } = request
    const key = groupKey(context.clusterId, groupId)
    const group = this.#groups.get(key)
    if (group === undefined) return await this.#unknownGroup(context.clusterId, groupId)
    const member = this.#knownMember(group, request)
    const answer: HeartbeatResult = { errorCode: 0, errorMessage: null, memberId, memberEpoch, heartbeatIntervalMs: 0, assignment: null }
    if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A static member leaving for a while keeps its partitions until its session runs out.
      member.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH
      this.#cancelTimer(key, rebalanceTimer(memberId))
      this.#logger.info({ group: groupId, memberId, instanceId }, 'static member left the consumer group for now')
      this.#record(group)
      return answer
    }
    this.#removeMember(group, member.memberId, 'left')
    return answer
  }

  /** A heartbeat or leave for a group not in memory: GROUP_ID_NOT_FOUND, or UNKNOWN_MEMBER_ID when the group exists but its members were lost. */
  async #unknownGroup (clusterId: string, groupId: string): Promise<HeartbeatResult> {
    const record = await this.#catalog.getGroup(clusterId, groupId)
    if (record === undefined) return refusal(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`)
    // Members live in the coordinator's memory only (DESIGN.md): after a restart the member must rejoin with epoch 0.
    return refusal(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${groupId} has no such member on this coordinator; rejoin with member epoch 0.`)
  }

  /** Makes a new consumer-protocol group, within the cluster's group limit, taking over an empty classic group of the same id. */
  async #createGroup (clusterId: string, groupId: string): Promise<ConsumerGroup> {
    const limit = this.#settings.consumerGroupsPerCluster
    const created = await this.#catalog.createGroup({ clusterId, groupId, protocolType: 'consumer', state: 'Empty', generationId: 0, createdAtMs: 0 }, limit)
    if (created === 'limit-reached') {
      this.#logger.warn({ clusterId, group: groupId, consumerGroupsPerCluster: limit },
        `group refused: the cluster already has ${limit} consumer groups (limits.consumerGroupsPerCluster); delete unused groups or raise the limit`)
      throw new KafkaError(ErrorCode.GROUP_MAX_SIZE_REACHED, `the cluster's limit of ${limit} consumer groups is reached`)
    }
    const classic = await this.#classicGroups?.releaseForConsumerProtocol(clusterId, groupId)
    if (classic === 'has-members') {
      // Kafka 4 can upgrade a classic group online (group.consumer.migration.policy); Skiff cannot yet.
      this.#logger.warn({ clusterId, group: groupId }, 'ConsumerGroupHeartbeat refused: the group is a classic group with members (online upgrade is not supported)')
      throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`)
    }
    const key = groupKey(clusterId, groupId)
    const group = new ConsumerGroup(clusterId, groupId)
    const record = created === 'exists' ? await this.#catalog.getGroup(clusterId, groupId) : undefined
    // Keeps epochs rising across a restart or a conversion, so old members' epochs never match new ones.
    if (record !== undefined && record.generationId > 0) {
      group.groupEpoch = record.generationId
      group.assignmentEpoch = record.generationId
    }
    this.#groups.set(key, group)
    if (created === 'created') this.#logger.info({ clusterId, group: groupId }, 'consumer-protocol group created')
    return group
  }

  #computeTarget (group: ConsumerGroup, topics: readonly TopicRecord[]): void {
    group.computeTargetAssignment(this.#assignors, topics)
    this.#logger.info({
      group: group.groupId,
      groupEpoch: group.groupEpoch,
      assignor: group.assignorName,
      members: group.members.size,
      target: Object.fromEntries([...group.targetAssignment].map(([memberId, assignment]) => [memberId, toWire(assignment)]))
    }, 'consumer group target assignment computed')
  }

  /** Removes (fences) a member, frees its partitions and computes the next target. */
  #removeMember (group: ConsumerGroup, memberId: string, reason: string): void {
    const key = groupKey(group.clusterId, group.groupId)
    this.#cancelMemberTimers(key, memberId)
    if (group.removeMember(memberId) === undefined) return
    group.groupEpoch++
    const topics = this.#topics.list(group.clusterId)
    group.updateSubscribedTopics(topics)
    if (group.members.size > 0) this.#computeTarget(group, topics)
    else group.assignmentEpoch = group.groupEpoch
    this.#logger.info({ group: group.groupId, memberId, reason, groupEpoch: group.groupEpoch }, 'member removed from the consumer group')
    this.#record(group)
  }

  #scheduleSession (group: ConsumerGroup, member: ConsumerGroupMember): void {
    const key = groupKey(group.clusterId, group.groupId)
    const { memberId } = member
    this.#schedule(key, sessionTimer(memberId), this.#settings.sessionTimeoutMs, () => {
      void this.#locks.run(key, async () => {
        if (group.members.get(memberId) === member) this.#removeMember(group, memberId, 'session timeout')
      })
    })
  }

  /** While the member must revoke partitions, it has its rebalance timeout to do so, or it is fenced. */
  #scheduleRebalanceTimeout (group: ConsumerGroup, member: ConsumerGroupMember): void {
    const key = groupKey(group.clusterId, group.groupId)
    const name = rebalanceTimer(member.memberId)
    if (member.state !== 'unrevoked_partitions') {
      this.#cancelTimer(key, name)
      return
    }
    if (this.#timers.get(key)?.has(name) === true) return
    const { memberId, memberEpoch } = member
    this.#schedule(key, name, member.rebalanceTimeoutMs, () => {
      void this.#locks.run(key, async () => {
        if (group.members.get(memberId) === member && member.state === 'unrevoked_partitions' && member.memberEpoch === memberEpoch) {
          this.#removeMember(group, memberId, 'rebalance timeout: partitions not revoked in time')
        }
      })
    })
  }

  #schedule (key: string, name: string, delayMs: number, task: () => void): void {
    this.#cancelTimer(key, name)
    let timers = this.#timers.get(key)
    if (timers === undefined) {
      timers = new Map()
      this.#timers.set(key, timers)
    }
    timers.set(name, this.#scheduler.schedule(delayMs, () => {
      this.#timers.get(key)?.delete(name)
      task()
    }))
  }

  #cancelTimer (key: string, name: string): void {
    const timers = this.#timers.get(key)
    timers?.get(name)?.cancel()
    timers?.delete(name)
  }

  #cancelMemberTimers (key: string, memberId: string): void {
    this.#cancelTimer(key, sessionTimer(memberId))
    this.#cancelTimer(key, rebalanceTimer(memberId))
  }

  #cancelTimers (key: string): void {
    for (const timer of this.#timers.get(key)?.values() ?? []) timer.cancel()
    this.#timers.delete(key)
  }

  /** Writes the group's state and epoch to its Catalog record, latest state last. */
  #record (group: ConsumerGroup): void {
    this.#recording.record(groupKey(group.clusterId, group.groupId), async () => {
      const state = group.state
      if (state === 'Dead') return false
      await this.#catalog.updateGroup(group.clusterId, group.groupId, { protocolType: 'consumer', state, generationId: group.groupEpoch })
      return true
    }, 'could not record the consumer group state in the catalog')
  }
}

function sessionTimer (memberId: string): string {
  return `session:${memberId}`
}

function rebalanceTimer (memberId: string): string {
  return `rebalance:${memberId}`
}

function isSubset (owned: ReadonlyMap<string, ReadonlySet<number>>, assigned: ReadonlyMap<string, ReadonlySet<number>>): boolean {
  for (const [topicId, partitions] of owned) {
    const mine = assigned.get(topicId)
    for (const partition of partitions) if (mine?.has(partition) !== true) return false
  }
  return true
}
