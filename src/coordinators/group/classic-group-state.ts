// One classic consumer group held in its coordinator's memory: members, static instance ids,
// the protocol vote, generation and state, the parked JoinGroup/SyncGroup answers and the group's
// timers. The rules of the protocol (who may join, when a generation completes) live in
// classic-group-rebalancer.ts; this module keeps the data consistent.
import { Reader } from '../../protocol/primitives/reader.ts'
import { decodeConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.ts'
import type { JoinGroupResponse } from '../../protocol/messages/join-group.ts'
import type { SyncGroupResponse } from '../../protocol/messages/sync-group.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { ScheduledTask, Scheduler } from './scheduler.ts'

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export type JoinResult = Omit<JoinGroupResponse, 'throttleTimeMs'>
export type SyncResult = Omit<SyncGroupResponse, 'throttleTimeMs'>

export interface MemberProtocol {
  name: string
  metadata: Buffer
}

export const EMPTY_BYTES = Buffer.alloc(0)

/** The states a group may move to each state from, as Kafka's ClassicGroupState allows. */
const VALID_PREVIOUS_STATES: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead']
}

export function joinError (memberId: string, errorCode: number): JoinResult {
  return {
    errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: []
  }
}

export function syncError (errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES }
}

export class ClassicGroupMember {
  memberId: string
  readonly groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  readonly protocolType: string
  protocols: MemberProtocol[]
  assignment: Buffer = EMPTY_BYTES
  /** Answers the member's parked JoinGroup; set while it waits for the generation to complete. */
  awaitingJoin: ((result: JoinResult) => void) | undefined
  /** Answers the member's parked SyncGroup; set while it waits for the leader's assignment. */
  awaitingSync: ((result: SyncResult) => void) | undefined
  /** Joined but not yet through a completed join phase: its session may expire even while it waits. */
  isNew = false

  constructor (fields: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    rebalanceTimeoutMs: number
    sessionTimeoutMs: number
    protocolType: string
    protocols: MemberProtocol[]
  }) {
    this.memberId = fields.memberId
    this.groupInstanceId = fields.groupInstanceId
    this.clientId = fields.clientId
    this.clientHost = fields.clientHost
    this.rebalanceTimeoutMs = fields.rebalanceTimeoutMs
    this.sessionTimeoutMs = fields.sessionTimeoutMs
    this.protocolType = fields.protocolType
    this.protocols = fields.protocols
  }

  get isStatic (): boolean {
    return this.groupInstanceId !== null
  }

  /** Members waiting in a rebalance send no heartbeats and must not expire for it (unless new). */
  get hasSatisfiedHeartbeat (): boolean {
    return !this.isNew && (this.awaitingJoin !== undefined || this.awaitingSync !== undefined)
  }

  /** The member's first choice among the candidates (its protocols are in preference order). */
  vote (candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find(protocol => candidates.has(protocol.name))
    if (choice === undefined) throw new Error(`member ${this.memberId} supports none of the candidate protocols`)
    return choice.name
  }

  metadataFor (protocolName: string | null): Buffer {
    return this.protocols.find(protocol => protocol.name === protocolName)?.metadata ?? EMPTY_BYTES
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches (protocols: readonly MemberProtocol[]): boolean {
    return protocols.length === this.protocols.length &&
      protocols.every((protocol, index) => protocol.name === this.protocols[index]?.name && protocol.metadata.equals(this.protocols[index].metadata))
  }

  /** Answers a parked JoinGroup, if any; true when there was one. */
  completeJoin (result: JoinResult): boolean {
    const respond = this.awaitingJoin
    if (respond === undefined) return false
    this.awaitingJoin = undefined
    respond(result)
    return true
  }

  /** Answers a parked SyncGroup, if any; true when there was one. */
  completeSync (result: SyncResult): boolean {
    const respond = this.awaitingSync
    if (respond === undefined) return false
    this.awaitingSync = undefined
    respond(result)
    return true
  }
}

export class ClassicGroup {
  readonly clusterId: string
  readonly groupId: string
  state: ClassicGroupState = 'Empty'
  previousState: ClassicGroupState = 'Empty'
  generationId: number
  /** Set by the first member; '' for a group that only commits offsets. */
  protocolType: string
  protocolName: string | null = null
  leaderId: string | null = null
  /** Insertion order decides the next leader when the leader leaves. */
  readonly members = new Map<string, ClassicGroupMember>()
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>()
  /** Member ids handed out with MEMBER_ID_REQUIRED whose second JoinGroup has not come yet. */
  readonly pendingJoinMembers = new Set<string>()
  /** Members of the new generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>()
  /** Set when a member joins during the initial rebalance delay, which then extends it. */
  newMemberAdded = false
  /** Topics the members subscribe to (consumer protocol); undefined when not known. */
  subscribedTopics: Set<string> | undefined = new Set()
  readonly #supportedProtocols = new Map<string, number>()
  readonly #scheduler: Scheduler
  readonly #timers = new Map<string, ScheduledTask>()

  constructor (clusterId: string, groupId: string, protocolType: string, generationId: number, scheduler: Scheduler) {
    this.clusterId = clusterId
    this.groupId = groupId
    this.protocolType = protocolType
    this.generationId = generationId
    this.#scheduler = scheduler
  }

  is (state: ClassicGroupState): boolean {
    return this.state === state
  }

  transitionTo (state: ClassicGroupState): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.state)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.state} to ${state}`)
    }
    this.previousState = this.state
    this.state = state
  }

  get canRebalance (): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.state)
  }

  isLeader (memberId: string): boolean {
    return this.leaderId === memberId
  }

  get awaitingJoinCount (): number {
    let count = 0
    for (const member of this.members.values()) if (member.awaitingJoin !== undefined) count++
    return count
  }

  get hasAllMembersJoined (): boolean {
    return this.awaitingJoinCount === this.members.size && this.pendingJoinMembers.size === 0
  }

  /** The largest rebalance timeout of the members: how long a join phase may wait for them. */
  get rebalanceTimeoutMs (): number {
    let timeoutMs = 0
    for (const member of this.members.values()) timeoutMs = Math.max(timeoutMs, member.rebalanceTimeoutMs)
    return timeoutMs
  }

  add (member: ClassicGroupMember): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.leaderId ??= member.memberId
    this.members.set(member.memberId, member)
    this.#countProtocols(member, 1)
    this.pendingJoinMembers.delete(member.memberId)
  }

  /** Removes a member; a parked JoinGroup or SyncGroup it still has is answered UNKNOWN_MEMBER_ID. */
  remove (memberId: string): void {
    const member = this.members.get(memberId)
    if (member !== undefined) {
      this.members.delete(memberId)
      this.#countProtocols(member, -1)
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId)
      }
      member.completeJoin(joinError('', ErrorCode.UNKNOWN_MEMBER_ID))
      member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null
    this.pendingJoinMembers.delete(memberId)
    this.pendingSyncMembers.delete(memberId)
    this.cancelTimer(heartbeatTimer(memberId))
  }

  /** Gives a restarted static member a new member id, keeping its assignment; its old requests are fenced. */
  replaceStaticMember (groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const member = this.members.get(oldMemberId)
    if (member === undefined) throw new Error(`cannot replace unknown member ${oldMemberId}`)
    member.completeJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID))
    member.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID))
    this.cancelTimer(heartbeatTimer(oldMemberId))
    // Re-inserting under the new id keeps the member's place (and so the leader order) only
    // approximately, as Kafka's map does; the leader itself is carried over explicitly.
    this.members.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    this.pendingSyncMembers.delete(oldMemberId)
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId
    this.staticMembers.set(groupInstanceId, newMemberId)
    return member
  }

  /** New protocols and timeouts from a rejoining member; `respond` parks its JoinGroup. */
  updateMember (member: ClassicGroupMember, protocols: MemberProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number,
    respond: ((result: JoinResult) => void) | undefined): void {
    this.#countProtocols(member, -1)
    member.protocols = protocols
    this.#countProtocols(member, 1)
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
    // A second JoinGroup while one is parked supersedes it; the first is told to rejoin.
    member.completeJoin(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS))
    member.awaitingJoin = respond
  }

  /** Static instance id checks of Kafka's validateMember: an error code, or 0. */
  validateMember (memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId)
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID
    }
    return this.members.has(memberId) ? 0 : ErrorCode.UNKNOWN_MEMBER_ID
  }

  /**
   * Whether a member with these protocols may join: the first member needs a protocol type and at
   * least one protocol; later ones the group's type and a protocol every member supports.
   */
  supportsProtocols (protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocolNames.length > 0
    return this.protocolType === protocolType &&
      protocolNames.some(name => (this.#supportedProtocols.get(name) ?? 0) === this.members.size)
  }

  /** The protocol every member supports that most members prefer. */
  selectProtocol (): string {
    const candidates = new Set<string>()
    for (const [name, count] of this.#supportedProtocols) if (count === this.members.size) candidates.add(name)
    const votes = new Map<string, number>()
    for (const member of this.members.values()) {
      const choice = member.vote(candidates)
      votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best: string | undefined
    for (const [name, count] of votes) if (best === undefined || count > (votes.get(best) ?? 0)) best = name
    if (best === undefined) throw new Error(`group ${this.groupId} has no members to select a protocol`)
    return best
  }

  /** Moves to the next generation: CompletingRebalance with a chosen protocol, or Empty. */
  initNextGeneration (): void {
    this.generationId++
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.transitionTo('CompletingRebalance')
    } else {
      this.protocolName = null
      this.transitionTo('Empty')
    }
    this.subscribedTopics = this.#computeSubscribedTopics()
    this.pendingSyncMembers.clear()
  }

  /**
   * Whether members subscribe to the topic. When the subscriptions cannot be read, a consumer
   * group counts as subscribed to everything (the safe answer for OffsetDelete), as Kafka does.
   */
  isSubscribedToTopic (topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? this.protocolType === 'consumer'
  }

  /** Starts (or restarts) the named timer of this group. */
  schedule (name: string, delayMs: number, task: () => void): void {
    this.cancelTimer(name)
    const scheduled = this.#scheduler.schedule(delayMs, () => {
      this.#timers.delete(name)
      task()
    })
    this.#timers.set(name, scheduled)
  }

  cancelTimer (name: string): void {
    this.#timers.get(name)?.cancel()
    this.#timers.delete(name)
  }

  cancelAllTimers (): void {
    for (const timer of this.#timers.values()) timer.cancel()
    this.#timers.clear()
  }

  #countProtocols (member: ClassicGroupMember, change: 1 | -1): void {
    for (const { name } of member.protocols) this.#supportedProtocols.set(name, (this.#supportedProtocols.get(name) ?? 0) + change)
  }

  /** Reads the topics from each member's subscription (version 0 is the prefix of every version). */
  #computeSubscribedTopics (): Set<string> | undefined {
    if (this.protocolType !== 'consumer') return undefined
    const topics = new Set<string>()
    if (this.protocolName === null) return this.members.size === 0 ? topics : undefined
    try {
      for (const member of this.members.values()) {
        const reader = new Reader(member.metadataFor(this.protocolName))
        reader.int16()
        for (const topic of decodeConsumerProtocolSubscription(reader, 0).topics) topics.add(topic)
      }
      return topics
    } catch {
      return undefined
    }
  }
}

/** A successful JoinGroup answer for the current generation; the leader's carries every member's metadata. */
export function joinAnswer (group: ClassicGroup, member: ClassicGroupMember, withMembers: boolean): JoinResult {
  return {
    errorCode: 0,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: withMembers
      ? [...group.members.values()].map(other => ({
          memberId: other.memberId, groupInstanceId: other.groupInstanceId, metadata: other.metadataFor(group.protocolName)
        }))
      : []
  }
}

/** Timer names: one per member for its session, one for the join phase, one for the sync phase. */
export function heartbeatTimer (memberId: string): string {
  return `heartbeat:${memberId}`
}
export const JOIN_TIMER = 'join'
export const SYNC_TIMER = 'sync'
