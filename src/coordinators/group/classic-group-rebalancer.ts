// The classic group membership protocol on one in-memory group: JoinGroup (with MEMBER_ID_REQUIRED,
// and static members), SyncGroup, Heartbeat and LeaveGroup; the rebalance phases and timeouts they
// set off are in classic-group-phases.ts. It follows the behavior of Kafka's GroupMetadataManager
// for classic groups. Every method runs without awaiting, so each change to a group is atomic.
import { randomUUID } from 'node:crypto'
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import {
  ClassicGroup, ClassicGroupMember, joinAnswer, joinError, syncError, type JoinResult, type MemberProtocol, type SyncResult
} from './classic-group-state.ts'
import { ClassicGroupPhases } from './classic-group-phases.ts'

export interface RebalancerSettings {
  initialRebalanceDelayMs: number
  newMemberJoinTimeoutMs: number
  /** group.max.size */
  maxSize: number
}

export interface JoinRequest {
  memberId: string
  groupInstanceId: string | null
  protocolType: string
  protocols: MemberProtocol[]
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  reason: string | null
  clientId: string
  clientHost: string
  apiVersion: number
}

export interface SyncRequest {
  memberId: string
  groupInstanceId: string | null
  generationId: number
  protocolType: string | null
  protocolName: string | null
  assignments: Array<{ memberId: string, assignment: Buffer }>
}

export interface MemberIdentity {
  memberId: string
  groupInstanceId: string | null
  reason: string | null
}

export interface RebalancerOptions {
  settings: RebalancerSettings
  logger: Logger
  /** Called after the group's state or generation changed (the coordinator records it). */
  onGroupChange: (group: ClassicGroup) => void
  /** Makes the random part of new member ids (tests make them predictable). */
  newId?: () => string
}

/** JoinGroup v4+ sends new dynamic members away to rejoin with an id (KIP-394). */
const FIRST_VERSION_REQUIRING_MEMBER_ID = 4
/** JoinGroup v9+ lets a rejoining static leader skip the assignment (KIP-814). */
const FIRST_VERSION_SKIPPING_ASSIGNMENT = 9

export class ClassicGroupRebalancer {
  readonly #settings: RebalancerSettings
  readonly #logger: Logger
  readonly #phases: ClassicGroupPhases
  readonly #newId: () => string

  constructor (options: RebalancerOptions) {
    this.#settings = options.settings
    this.#logger = options.logger
    this.#phases = new ClassicGroupPhases(options.settings, options.logger, options.onGroupChange)
    this.#newId = options.newId ?? randomUUID
  }

  join (group: ClassicGroup, request: JoinRequest): Promise<JoinResult> {
    return new Promise(resolve => {
      const respond = resolve
      if (group.is('Dead')) {
        respond(joinError(request.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
      } else if (!this.#acceptsJoiningMember(group, request.memberId)) {
        this.#logger.warn({ group: group.groupId, members: group.members.size, maxSize: this.#settings.maxSize }, 'group is full')
        respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED))
      } else if (!group.supportsProtocols(request.protocolType, request.protocols.map(protocol => protocol.name))) {
        this.#logger.warn({ group: group.groupId, memberId: request.memberId, protocolType: request.protocolType, protocols: request.protocols.map(protocol => protocol.name) },
          'JoinGroup refused: no protocol in common with the group')
        respond(joinError(request.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
      } else if (request.memberId === '') {
        this.#joinNewMember(group, request, respond)
      } else {
        this.#joinExistingMember(group, request, respond)
      }
    })
  }

  sync (group: ClassicGroup, request: SyncRequest): Promise<SyncResult> {
    return new Promise(resolve => {
      const respond = resolve
      const errorCode = this.#validateSync(group, request)
      if (errorCode !== 0) {
        respond(syncError(errorCode))
        return
      }
      const member = group.members.get(request.memberId)!
      if (group.is('PreparingRebalance')) {
        respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
      } else if (group.is('CompletingRebalance')) {
        member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
        member.awaitingSync = respond
        this.#phases.removePendingSync(group, member.memberId)
        if (group.isLeader(member.memberId)) this.#phases.completeSync(group, request.assignments)
      } else {
        this.#phases.removePendingSync(group, member.memberId)
        respond({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      }
    })
  }

  heartbeat (group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const memberError = group.validateMember(memberId, groupInstanceId)
    if (memberError !== 0) return memberError
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID
    this.#phases.keepAlive(group, memberId)
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : 0
  }

  /** LeaveGroup: an error code per member, in order (the caller answers COORDINATOR_NOT_AVAILABLE for a Dead group). */
  leave (group: ClassicGroup, members: readonly MemberIdentity[]): number[] {
    const results = members.map(({ memberId, groupInstanceId, reason }) => {
      // Administrative removal names only the instance id (kafka-consumer-groups --delete-members).
      if (memberId === '') {
        const staticMemberId = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId)
        if (staticMemberId === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
        this.#removeLeavingMember(group, staticMemberId, reason)
        return 0
      }
      if (group.pendingJoinMembers.has(memberId)) {
        group.remove(memberId)
        return 0
      }
      const errorCode = group.validateMember(memberId, groupInstanceId)
      if (errorCode === 0) this.#removeLeavingMember(group, memberId, reason)
      return errorCode
    })
    if (results.some(errorCode => errorCode === 0)) {
      if (group.is('Stable') || group.is('CompletingRebalance')) this.#phases.prepareRebalanceOrCompleteJoin(group, 'members left the group')
      else if (group.is('PreparingRebalance')) this.#phases.maybeCompleteJoinPhase(group)
    }
    return results
  }

  /** Restarts a member's session timer (heartbeats, and commits in Stable or PreparingRebalance). */
  keepAlive (group: ClassicGroup, memberId: string): void {
    this.#phases.keepAlive(group, memberId)
  }

  /** Marks the group Dead (deleted or unloaded): parked requests are told to find the coordinator again. */
  kill (group: ClassicGroup): void {
    this.#phases.kill(group)
  }

  #acceptsJoiningMember (group: ClassicGroup, memberId: string): boolean {
    const { maxSize } = this.#settings
    const member = group.members.get(memberId)
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true
      case 'PreparingRebalance':
        return member?.awaitingJoin !== undefined || group.awaitingJoinCount < maxSize
      default:
        return member !== undefined || group.members.size < maxSize
    }
  }

  #joinNewMember (group: ClassicGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const newMemberId = `${request.groupInstanceId ?? request.clientId}-${this.#newId()}`
    if (request.groupInstanceId !== null) {
      const existingMemberId = group.staticMembers.get(request.groupInstanceId)
      if (existingMemberId !== undefined) {
        this.#replaceStaticMember(group, request, existingMemberId, newMemberId, respond)
      } else {
        this.#addMember(group, request, newMemberId, respond)
      }
    } else if (request.apiVersion >= FIRST_VERSION_REQUIRING_MEMBER_ID) {
      group.pendingJoinMembers.add(newMemberId)
      this.#phases.expirePendingMember(group, newMemberId, request.sessionTimeoutMs)
      respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
    } else {
      this.#addMember(group, request, newMemberId, respond)
    }
  }

  #joinExistingMember (group: ClassicGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const { memberId } = request
    if (group.pendingJoinMembers.has(memberId)) {
      this.#addMember(group, request, memberId, respond)
      return
    }
    const errorCode = group.validateMember(memberId, request.groupInstanceId)
    if (errorCode !== 0) {
      this.#logger.info({ group: group.groupId, memberId, groupInstanceId: request.groupInstanceId, errorCode }, 'JoinGroup refused for an unknown or fenced member')
      respond(joinError(memberId, errorCode))
      return
    }
    const member = group.members.get(memberId)!
    const reason = `member ${memberId} rejoins in ${group.state}; client reason: ${request.reason ?? 'not provided'}`
    if (group.is('PreparingRebalance')) {
      this.#updateMemberAndRebalance(group, member, request, respond, reason)
    } else if (group.is('CompletingRebalance')) {
      // Same metadata: it missed the JoinGroup answer; give it the current generation again.
      if (member.matches(request.protocols)) respond(joinAnswer(group, member, group.isLeader(memberId)))
      else this.#updateMemberAndRebalance(group, member, request, respond, reason)
    } else if (group.is('Stable')) {
      // The leader rejoins to make the group rebalance (its subscribed topics changed, say).
      if (group.isLeader(memberId) || !member.matches(request.protocols)) this.#updateMemberAndRebalance(group, member, request, respond, reason)
      else respond(joinAnswer(group, member, false))
    } else {
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    }
  }

  #addMember (group: ClassicGroup, request: JoinRequest, memberId: string, respond: (result: JoinResult) => void): void {
    const member = new ClassicGroupMember({
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols
    })
    member.isNew = true
    member.awaitingJoin = respond
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true
    group.add(member)
    // A new member cannot heartbeat while its JoinGroup is parked; drop it if the join takes too long.
    this.#phases.keepAlive(group, memberId, this.#settings.newMemberJoinTimeoutMs)
    this.#phases.prepareRebalanceOrCompleteJoin(group, `member ${memberId} joins (instance ${request.groupInstanceId ?? 'none'}); client reason: ${request.reason ?? 'not provided'}`)
  }

  #updateMemberAndRebalance (group: ClassicGroup, member: ClassicGroupMember, request: JoinRequest,
    respond: (result: JoinResult) => void, reason: string): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond)
    this.#phases.prepareRebalanceOrCompleteJoin(group, reason)
  }

  /** A static member restarted: it takes over its old member id's place, without a rebalance when nothing changed. */
  #replaceStaticMember (group: ClassicGroup, request: JoinRequest, oldMemberId: string, newMemberId: string,
    respond: (result: JoinResult) => void): void {
    const groupInstanceId = request.groupInstanceId!
    const previousLeader = group.leaderId
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId)
    const isUnchanged = member.matches(request.protocols)
    member.clientId = request.clientId
    member.clientHost = request.clientHost
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond)
    this.#phases.keepAlive(group, newMemberId)
    this.#logger.info({ group: group.groupId, groupInstanceId, oldMemberId, newMemberId, state: group.state }, 'static member rejoined with a new member id')
    if (group.is('Stable')) {
      if (isUnchanged && group.selectProtocol() === group.protocolName) {
        const isLeader = group.isLeader(newMemberId)
        if (request.apiVersion >= FIRST_VERSION_SKIPPING_ASSIGNMENT) {
          member.completeJoin({ ...joinAnswer(group, member, isLeader), skipAssignment: isLeader })
        } else {
          // Older clients are told the old leader id, so a restarted leader syncs as a follower
          // and keeps the assignment it had instead of computing a new one.
          member.completeJoin({ ...joinAnswer(group, member, false), leader: previousLeader ?? '' })
        }
        return
      }
      this.#phases.prepareRebalanceOrCompleteJoin(group, `static member ${groupInstanceId} rejoined with changed metadata`)
    } else if (group.is('CompletingRebalance')) {
      // The leader may already be assigning to the old member id: start over.
      this.#phases.prepareRebalance(group, `static member ${groupInstanceId} rejoined during CompletingRebalance`)
    } else {
      this.#phases.maybeCompleteJoinPhase(group)
    }
  }

  #validateSync (group: ClassicGroup, request: SyncRequest): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const memberError = group.validateMember(request.memberId, request.groupInstanceId)
    if (memberError !== 0) return memberError
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if ((request.protocolType !== null && request.protocolType !== group.protocolType) ||
      (request.protocolName !== null && request.protocolName !== group.protocolName)) {
      return ErrorCode.INCONSISTENT_GROUP_PROTOCOL
    }
    return 0
  }

  #removeLeavingMember (group: ClassicGroup, memberId: string, reason: string | null): void {
    this.#logger.info({ group: group.groupId, memberId, reason: reason ?? 'not provided' }, 'member left the group')
    group.remove(memberId)
  }
}
