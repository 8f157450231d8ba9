// The classic group coordinator of this node: holds the groups it coordinates in memory (members,
// generations, timers), keeps their records in the Catalog (so the cluster's group limit holds and
// groups outlive a restart), and serves the group APIs; committed offsets are in group-offsets.ts.
// One node for now: it coordinates every group. With several nodes, the group id's rendezvous
// hash over the live nodes picks the coordinator (DESIGN.md) and `ownsGroup` becomes that check.
// Group ids are shared with consumer-protocol (KIP-848) groups, seen through ConsumerGroupDirectory:
// a group id one of them holds is no classic group.
import type { Clock } from '../../common/clock.ts'
import { KafkaError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { DescribedGroup } from '../../protocol/messages/describe-groups.ts'
import type { JoinGroupRequest } from '../../protocol/messages/join-group.ts'
import type { LeaveGroupRequest, MemberResponse } from '../../protocol/messages/leave-group.ts'
import type { ListedGroup } from '../../protocol/messages/list-groups.ts'
import type { SyncGroupRequest } from '../../protocol/messages/sync-group.ts'
import type { Catalog, GroupRecord } from '../../storage/catalog.ts'
import { ClassicGroup, joinError, syncError, type JoinResult, type SyncResult } from './classic-group-state.ts'
import { ClassicGroupRebalancer, type RebalancerSettings } from './classic-group-rebalancer.ts'
import type { ScheduledTask, Scheduler } from './scheduler.ts'
import type { ConsumerGroupDirectory } from './consumer-group-directory.ts'
import { KeyedQueue } from './keyed-queue.ts'
import { LatestStateWriter } from './latest-state-writer.ts'

export interface GroupSettings extends RebalancerSettings {
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  maxMemberMetadataBytes: number
  offsetMetadataMaxBytes: number
  consumerGroupsPerCluster: number
  emptyGroupCheckIntervalMs: number
}

export interface GroupCoordinatorOptions {
  catalog: Catalog
  clock: Clock
  scheduler: Scheduler
  logger: Logger
  settings: GroupSettings
  newId?: () => string
}

/** Who sent a request, for member records and log lines. */
export interface GroupRequestContext {
  clusterId: string
  apiVersion: number
  clientId: string
  clientHost: string
}

const UNKNOWN_OPERATIONS = -2147483648

function groupKey (clusterId: string, groupId: string): string {
  return `${clusterId}\u0000${groupId}`
}

export class GroupCoordinator {
  readonly #catalog: Catalog
  readonly #scheduler: Scheduler
  readonly #logger: Logger
  readonly #settings: GroupSettings
  readonly #clock: Clock
  readonly #rebalancer: ClassicGroupRebalancer
  readonly #groups = new Map<string, ClassicGroup>()
  /** Loads, creations and deletions of one group run one at a time. */
  readonly #groupLocks = new KeyedQueue()
  /** Groups whose record is being written, and whether it changed again meanwhile. */
  readonly #recording: LatestStateWriter
  /** Groups the last sweep found without members and offsets. */
  #unusedAtLastSweep = new Set<string>()
  #sweep: ScheduledTask | undefined
  #isClosed = false
  #consumerGroups: ConsumerGroupDirectory | undefined

  constructor (options: GroupCoordinatorOptions) {
    this.#catalog = options.catalog
    this.#scheduler = options.scheduler
    this.#logger = options.logger
    this.#recording = new LatestStateWriter(options.logger)
    this.#settings = options.settings
    this.#clock = options.clock
    this.#rebalancer = new ClassicGroupRebalancer({
      settings: options.settings,
      logger: options.logger,
      onGroupChange: group => this.#record(group),
      newId: options.newId
    })
  }

  /** Connects the node's consumer-protocol groups, which share the group id namespace. */
  attachConsumerGroups (directory: ConsumerGroupDirectory): void {
    this.#consumerGroups = directory
  }

  get consumerGroups (): ConsumerGroupDirectory | undefined {
    return this.#consumerGroups
  }

  /**
   * Lets a consumer-protocol group take the id: drops an Empty classic group from memory (its
   * record and committed offsets stay), as Kafka converts an empty classic group.
   */
  async releaseForConsumerProtocol (clusterId: string, groupId: string): Promise<'absent' | 'released' | 'has-members'> {
    const key = groupKey(clusterId, groupId)
    return await this.#groupLocks.run(key, async () => {
      const group = this.#groups.get(key)
      if (group === undefined) return 'absent'
      if (!group.is('Empty') || group.pendingJoinMembers.size > 0) return 'has-members'
      this.#rebalancer.kill(group)
      this.#groups.delete(key)
      await this.#recording.idle(key)
      return 'released'
    })
  }

  get settings (): GroupSettings {
    return this.#settings
  }

  get clock (): Clock {
    return this.#clock
  }

  /** Whether this node coordinates the group (every group, while Skiff runs one node per catalog). */
  ownsGroup (_clusterId: string, _groupId: string): boolean {
    return true
  }

  async joinGroup (context: GroupRequestContext, request: JoinGroupRequest): Promise<JoinResult> {
    const { groupId, memberId, sessionTimeoutMs } = request
    const log = { group: groupId, memberId, clientId: context.clientId }
    if (groupId === '') return joinError(memberId, ErrorCode.INVALID_GROUP_ID)
    // Refused before a new group is made for it: such a member can never join.
    if (request.protocolType === '' || request.protocols.length === 0) {
      this.#logger.warn({ ...log, protocolType: request.protocolType }, 'JoinGroup refused: no protocol type or no protocols')
      return joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const { minSessionTimeoutMs, maxSessionTimeoutMs, maxMemberMetadataBytes } = this.#settings
    if (sessionTimeoutMs < minSessionTimeoutMs || sessionTimeoutMs > maxSessionTimeoutMs) {
      this.#logger.warn({ ...log, sessionTimeoutMs, minSessionTimeoutMs, maxSessionTimeoutMs }, 'JoinGroup refused: session timeout out of bounds')
      return joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT)
    }
    const oversized = request.protocols.find(protocol => protocol.metadata.length > maxMemberMetadataBytes)
    if (oversized !== undefined) {
      this.#logger.warn({ ...log, protocol: oversized.name, bytes: oversized.metadata.length, maxMemberMetadataBytes },
        'JoinGroup refused: member metadata too large')
      return joinError(memberId, ErrorCode.MESSAGE_TOO_LARGE)
    }
    const consumerHolding = this.#consumerGroups?.holding(context.clusterId, groupId)
    if (consumerHolding === 'members') {
      // Kafka 4 would let a classic member join a consumer-protocol group (a mixed group); Skiff does not.
      this.#logger.warn({ ...log, protocolType: request.protocolType }, 'JoinGroup refused: the group uses the consumer protocol (KIP-848) and has members')
      return joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    if (consumerHolding === 'empty') this.#consumerGroups?.release(context.clusterId, groupId)
    let group: ClassicGroup | undefined
    try {
      group = await this.group(context.clusterId, groupId, memberId === '' ? request.protocolType : undefined)
    } catch (error) {
      if (!(error instanceof KafkaError)) throw error
      return joinError('', error.errorCode)
    }
    if (group === undefined) return joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID)
    return await this.#rebalancer.join(group, {
      memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      // Copied: the decoded bytes point into the request's receive buffer, which members outlive.
      protocols: request.protocols.map(({ name, metadata }) => ({ name, metadata: Buffer.from(metadata) })),
      sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout serves for both.
      rebalanceTimeoutMs: request.rebalanceTimeoutMs === -1 ? sessionTimeoutMs : request.rebalanceTimeoutMs,
      reason: request.reason,
      clientId: context.clientId,
      clientHost: context.clientHost,
      apiVersion: context.apiVersion
    })
  }

  async syncGroup (context: GroupRequestContext, request: SyncGroupRequest): Promise<SyncResult> {
    if (request.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID)
    const oversized = request.assignments.find(({ assignment }) => assignment.length > this.#settings.maxMemberMetadataBytes)
    if (oversized !== undefined) {
      this.#logger.warn({ group: request.groupId, memberId: request.memberId, assignedMemberId: oversized.memberId, bytes: oversized.assignment.length },
        'SyncGroup refused: assignment too large')
      return syncError(ErrorCode.MESSAGE_TOO_LARGE)
    }
    const group = await this.group(context.clusterId, request.groupId)
    if (group === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    const assignments = request.assignments.map(({ memberId, assignment }) => ({ memberId, assignment: Buffer.from(assignment) }))
    const result = await this.#rebalancer.sync(group, { ...request, assignments })
    if (result.errorCode !== 0 && result.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS) {
      this.#logger.info({ group: request.groupId, memberId: request.memberId, generationId: request.generationId, errorCode: result.errorCode },
        'SyncGroup refused')
    }
    return result
  }

  async heartbeat (context: GroupRequestContext, groupId: string, memberId: string, groupInstanceId: string | null,
    generationId: number): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID
    const group = await this.group(context.clusterId, groupId)
    const errorCode = group === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : this.#rebalancer.heartbeat(group, memberId, groupInstanceId, generationId)
    if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID || errorCode === ErrorCode.ILLEGAL_GENERATION || errorCode === ErrorCode.FENCED_INSTANCE_ID) {
      this.#logger.info({ group: groupId, memberId, groupInstanceId, generationId, errorCode }, 'Heartbeat refused')
    }
    return errorCode
  }

  /** LeaveGroup: a top-level error code and one result per member (v0-2 name one member by memberId). */
  async leaveGroup (context: GroupRequestContext, request: LeaveGroupRequest): Promise<{ errorCode: number, members: MemberResponse[] }> {
    if (request.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] }
    const members = context.apiVersion <= 2
      ? [{ memberId: request.memberId, groupInstanceId: null, reason: null }]
      : request.members
    const group = await this.group(context.clusterId, request.groupId)
    if (group === undefined) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] }
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
    const results = this.#rebalancer.leave(group, members)
    return {
      errorCode: 0,
      members: members.map(({ memberId, groupInstanceId }, index) => ({ memberId, groupInstanceId, errorCode: results[index] ?? 0 }))
    }
  }

  async listGroups (clusterId: string, statesFilter: readonly string[], typesFilter: readonly string[]): Promise<ListedGroup[]> {
    const states = new Set(statesFilter.map(state => state.toLowerCase()))
    const types = new Set(typesFilter.map(type => type.toLowerCase()))
    const listed = new Map<string, ListedGroup>()
    for (const record of await this.#catalog.listGroups(clusterId)) {
      if (this.#isConsumerGroup(clusterId, record.groupId)) continue
      const group = this.#groups.get(groupKey(clusterId, record.groupId))
      listed.set(record.groupId, {
        groupId: record.groupId,
        protocolType: group?.protocolType ?? record.protocolType,
        groupState: group?.state ?? record.state,
        groupType: 'classic'
      })
    }
    for (const group of this.#groups.values()) {
      if (group.clusterId !== clusterId || listed.has(group.groupId) || group.is('Dead') || this.#isConsumerGroup(clusterId, group.groupId)) continue
      listed.set(group.groupId, { groupId: group.groupId, protocolType: group.protocolType, groupState: group.state, groupType: 'classic' })
    }
    return [...listed.values()].filter(group =>
      (states.size === 0 || states.has(group.groupState.toLowerCase())) && (types.size === 0 || types.has(group.groupType)))
  }

  /** DescribeGroups; `operationsOf` gives a group's authorizedOperations when the client asked for them. */
  async describeGroups (clusterId: string, groupIds: readonly string[], operationsOf?: (groupId: string) => number): Promise<DescribedGroup[]> {
    const described: DescribedGroup[] = []
    for (const groupId of groupIds) {
      const group = await this.group(clusterId, groupId)
      const authorizedOperations = operationsOf !== undefined && group !== undefined ? operationsOf(groupId) : UNKNOWN_OPERATIONS
      if (group === undefined) {
        described.push({ errorCode: 0, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations })
        continue
      }
      // Members' metadata and assignments are only described once the group is Stable, as in Kafka.
      const isStable = group.is('Stable')
      described.push({
        errorCode: 0,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType,
        protocolData: isStable ? group.protocolName ?? '' : '',
        members: [...group.members.values()].map(member => ({
          memberId: member.memberId,
          groupInstanceId: member.groupInstanceId,
          clientId: member.clientId,
          clientHost: member.clientHost,
          memberMetadata: isStable ? member.metadataFor(group.protocolName) : Buffer.alloc(0),
          memberAssignment: isStable ? member.assignment : Buffer.alloc(0)
        })),
        authorizedOperations
      })
    }
    return described
  }

  /** DeleteGroups: an error code per group; only groups without members can go (NON_EMPTY_GROUP). */
  async deleteGroups (clusterId: string, groupIds: readonly string[]): Promise<Array<{ groupId: string, errorCode: number }>> {
    const results: Array<{ groupId: string, errorCode: number }> = []
    for (const groupId of groupIds) {
      if (groupId === '') {
        results.push({ groupId, errorCode: ErrorCode.INVALID_GROUP_ID })
        continue
      }
      const key = groupKey(clusterId, groupId)
      const errorCode = await this.#groupLocks.run(key, async () => {
        if (this.#consumerGroups?.release(clusterId, groupId) === false) return ErrorCode.NON_EMPTY_GROUP
        const group = this.#groups.get(key)
        if (group !== undefined && !group.is('Empty') && !group.is('Dead')) return ErrorCode.NON_EMPTY_GROUP
        if (group !== undefined) {
          this.#rebalancer.kill(group)
          this.#groups.delete(key)
        }
        await this.#recording.idle(key)
        return await this.#catalog.deleteGroup(clusterId, groupId) ? 0 : ErrorCode.GROUP_ID_NOT_FOUND
      })
      if (errorCode === 0) this.#logger.info({ group: groupId }, 'group deleted')
      results.push({ groupId, errorCode })
    }
    return results
  }

  /**
   * The group, from memory or else from the Catalog (loaded as Empty: members live only in the
   * memory of the node that had them). With `createAs` (a protocol type) a missing group is
   * created, within the cluster's group limit: beyond it this throws KafkaError
   * GROUP_MAX_SIZE_REACHED, the group-limit error clients treat as final rather than retry.
   */
  async group (clusterId: string, groupId: string, createAs?: string): Promise<ClassicGroup | undefined> {
    const key = groupKey(clusterId, groupId)
    if (this.#isConsumerGroup(clusterId, groupId)) return undefined
    const loaded = this.#groups.get(key)
    if (loaded !== undefined) return loaded
    return await this.#groupLocks.run(key, async () => {
      const existing = this.#groups.get(key)
      if (existing !== undefined) return existing
      let record = await this.#catalog.getGroup(clusterId, groupId)
      if (record === undefined && createAs !== undefined && !this.#isConsumerGroup(clusterId, groupId)) {
        record = await this.#createRecord(clusterId, groupId, createAs)
      }
      // A consumer-protocol group may have taken the id while the record was read.
      if (record === undefined || this.#isConsumerGroup(clusterId, groupId)) return undefined
      const group = new ClassicGroup(clusterId, groupId, record.protocolType, record.generationId, this.#scheduler)
      this.#groups.set(key, group)
      // A record left Stable by a node that stopped: with no members here the group is Empty.
      if (record.state !== 'Empty') this.#record(group)
      return group
    })
  }

  keepAlive (group: ClassicGroup, memberId: string): void {
    this.#rebalancer.keepAlive(group, memberId)
  }

  /** Starts looking for unused groups every groups.emptyGroupCheckIntervalMs. */
  start (): void {
    if (this.#isClosed) return
    this.#sweep = this.#scheduler.schedule(this.#settings.emptyGroupCheckIntervalMs, () => {
      this.deleteUnusedGroups()
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not delete unused groups'))
        .finally(() => this.start())
    })
  }

  /**
   * Deletes the groups that this sweep and the one before found without members and without
   * committed offsets, as Kafka deletes such groups when it checks offsets for expiry, so that
   * groups nobody uses (console consumers, tests) stop counting against the cluster's limit.
   */
  async deleteUnusedGroups (): Promise<Array<{ clusterId: string, groupId: string }>> {
    const unused = new Set<string>()
    const deleted: Array<{ clusterId: string, groupId: string }> = []
    const hasNoMembers = (key: string, clusterId: string, groupId: string): boolean => {
      if (this.#consumerGroups?.holding(clusterId, groupId) === 'members') return false
      const group = this.#groups.get(key)
      return group === undefined || (group.is('Empty') && group.pendingJoinMembers.size === 0)
    }
    for (const { clusterId } of await this.#catalog.listClusters()) {
      for (const { groupId } of await this.#catalog.listGroups(clusterId)) {
        if (!this.ownsGroup(clusterId, groupId)) continue
        const key = groupKey(clusterId, groupId)
        await this.#groupLocks.run(key, async () => {
          if (!hasNoMembers(key, clusterId, groupId) || (await this.#catalog.fetchOffsets(clusterId, groupId)).length > 0 ||
            !hasNoMembers(key, clusterId, groupId)) return
          if (!this.#unusedAtLastSweep.has(key)) {
            unused.add(key)
            return
          }
          if (this.#consumerGroups?.release(clusterId, groupId) === false) return
          const group = this.#groups.get(key)
          if (group !== undefined) this.#rebalancer.kill(group)
          this.#groups.delete(key)
          await this.#recording.idle(key)
          if (await this.#catalog.deleteGroup(clusterId, groupId)) deleted.push({ clusterId, groupId })
        })
      }
    }
    this.#unusedAtLastSweep = unused
    if (deleted.length > 0) this.#logger.info({ groups: deleted.map(({ groupId }) => groupId) }, 'deleted groups without members or committed offsets')
    return deleted
  }

  /** Stops every timer and answers parked requests; waits for group records being written. */
  async close (): Promise<void> {
    this.#isClosed = true
    this.#sweep?.cancel()
    for (const group of this.#groups.values()) this.#rebalancer.kill(group)
    this.#groups.clear()
    await this.#recording.idleAll()
  }

  #isConsumerGroup (clusterId: string, groupId: string): boolean {
    return this.#consumerGroups?.holding(clusterId, groupId) !== undefined
  }

  async #createRecord (clusterId: string, groupId: string, protocolType: string): Promise<GroupRecord | undefined> {
    const limit = this.#settings.consumerGroupsPerCluster
    const record: GroupRecord = { clusterId, groupId, protocolType, state: 'Empty', generationId: 0, createdAtMs: this.#clock.nowMs() }
    const result = await this.#catalog.createGroup(record, limit)
    if (result === 'limit-reached') {
      this.#logger.warn({ clusterId, group: groupId, consumerGroupsPerCluster: limit },
        `group refused: the cluster already has ${limit} consumer groups (limits.consumerGroupsPerCluster); delete unused groups or raise the limit`)
      throw new KafkaError(ErrorCode.GROUP_MAX_SIZE_REACHED, `the cluster's limit of ${limit} consumer groups is reached`)
    }
    if (result === 'created') this.#logger.info({ clusterId, group: groupId, protocolType: protocolType === '' ? '(offsets only)' : protocolType }, 'group created')
    return result === 'created' ? record : await this.#catalog.getGroup(clusterId, groupId)
  }

  /** Writes the group's state and generation to the Catalog behind the protocol, latest state last. */
  #record (group: ClassicGroup): void {
    if (group.is('Dead')) return
    this.#recording.record(groupKey(group.clusterId, group.groupId), async () => {
      const { protocolType, state, generationId } = group
      if (state === 'Dead') return false
      await this.#catalog.updateGroup(group.clusterId, group.groupId, { protocolType, state, generationId })
      return true
    }, 'could not record the group state in the catalog')
  }
}
