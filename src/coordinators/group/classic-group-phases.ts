// The phases of a classic group's rebalance and the timers that drive them: preparing a rebalance
// (with the initial delay of a new group), ending the join phase into the next generation, the
// leader's assignment making the group Stable, and members dropped when their session, the join
// phase or the sync phase times out. ClassicGroupRebalancer calls in here from the requests.
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import {
  ClassicGroup, EMPTY_BYTES, JOIN_TIMER, SYNC_TIMER, heartbeatTimer, joinAnswer, joinError, syncError
} from './classic-group-state.ts'

export interface PhaseSettings {
  initialRebalanceDelayMs: number
}

export class ClassicGroupPhases {
  readonly #settings: PhaseSettings
  readonly #logger: Logger
  readonly #onGroupChange: (group: ClassicGroup) => void

  constructor (settings: PhaseSettings, logger: Logger, onGroupChange: (group: ClassicGroup) => void) {
    this.#settings = settings
    this.#logger = logger
    this.#onGroupChange = onGroupChange
  }

  /** Restarts a member's session timer (heartbeats, and commits in Stable or PreparingRebalance). */
  keepAlive (group: ClassicGroup, memberId: string, timeoutMs?: number): void {
    const member = group.members.get(memberId)
    if (member === undefined) return
    group.schedule(heartbeatTimer(memberId), timeoutMs ?? member.sessionTimeoutMs, () => this.#expireMember(group, memberId))
  }

  /** Drops a member id handed out with MEMBER_ID_REQUIRED unless it rejoins within the session timeout. */
  expirePendingMember (group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    group.schedule(heartbeatTimer(memberId), sessionTimeoutMs, () => this.#expireMember(group, memberId))
  }

  /** Marks the group Dead (deleted or unloaded): parked requests are told to find the coordinator again. */
  kill (group: ClassicGroup): void {
    group.cancelAllTimers()
    group.transitionTo('Dead')
    for (const member of group.members.values()) {
      member.completeJoin(joinError(member.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
      member.completeSync(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    }
  }

  /** A membership change: rebalance a settled group, or see whether a rebalance under way can end. */
  prepareRebalanceOrCompleteJoin (group: ClassicGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason)
    else this.maybeCompleteJoinPhase(group)
  }

  /** Starts a rebalance: members must rejoin; a new group first waits the initial rebalance delay. */
  prepareRebalance (group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) {
      for (const member of group.members.values()) {
        member.assignment = EMPTY_BYTES
        member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
      }
    }
    group.pendingSyncMembers.clear()
    group.cancelTimer(SYNC_TIMER)
    const isInitialRebalance = group.is('Empty')
    group.transitionTo('PreparingRebalance')
    this.#logger.info({ group: group.groupId, generationId: group.generationId, reason }, 'preparing to rebalance group')
    this.#onGroupChange(group)
    if (isInitialRebalance) {
      // A new group waits a little for more members, so they start in one generation.
      const delayMs = this.#settings.initialRebalanceDelayMs
      this.#scheduleInitialJoin(group, delayMs, Math.max(group.rebalanceTimeoutMs - delayMs, 0))
    } else if (group.hasAllMembersJoined) {
      this.#completeJoin(group)
    } else {
      group.schedule(JOIN_TIMER, group.rebalanceTimeoutMs, () => this.#completeJoin(group))
    }
  }

  #scheduleInitialJoin (group: ClassicGroup, delayMs: number, remainingMs: number): void {
    group.schedule(JOIN_TIMER, delayMs, () => {
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false
        const nextDelayMs = Math.min(this.#settings.initialRebalanceDelayMs, remainingMs)
        this.#scheduleInitialJoin(group, nextDelayMs, Math.max(remainingMs - delayMs, 0))
      } else {
        this.#completeJoin(group)
      }
    })
  }

  /** Ends the join phase once every member has rejoined (not during the initial delay). */
  maybeCompleteJoinPhase (group: ClassicGroup): void {
    if (!group.is('PreparingRebalance') || group.previousState === 'Empty' || !group.hasAllMembersJoined) return
    this.#completeJoin(group)
  }

  /** Ends the join phase: drops dynamic members that did not rejoin and starts the next generation. */
  #completeJoin (group: ClassicGroup): void {
    group.cancelTimer(JOIN_TIMER)
    if (!group.is('PreparingRebalance')) return
    const dropped: string[] = []
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === undefined && !member.isStatic) {
        group.remove(member.memberId)
        dropped.push(member.memberId)
      }
    }
    if (dropped.length > 0) this.#logger.info({ group: group.groupId, members: dropped }, 'removed members that did not rejoin in time')
    if (!this.#electJoinedLeader(group) && group.members.size > 0) {
      // Only static members that have not rejoined are left; wait for them or their session end.
      group.schedule(JOIN_TIMER, group.rebalanceTimeoutMs, () => this.#completeJoin(group))
      return
    }
    group.initNextGeneration()
    this.#onGroupChange(group)
    if (group.is('Empty')) {
      this.#logger.info({ group: group.groupId, generationId: group.generationId }, 'group is now empty')
      return
    }
    this.#logger.info({ group: group.groupId, generationId: group.generationId, members: group.members.size, protocol: group.protocolName },
      'group completed its join phase')
    for (const member of group.members.values()) {
      member.completeJoin(joinAnswer(group, member, group.isLeader(member.memberId)))
      member.isNew = false
      this.keepAlive(group, member.memberId)
      group.pendingSyncMembers.add(member.memberId)
    }
    const generationId = group.generationId
    group.schedule(SYNC_TIMER, group.rebalanceTimeoutMs, () => this.#expirePendingSync(group, generationId))
  }

  /** Keeps the leader if it rejoined, else makes the first rejoined member leader; false when none rejoined. */
  #electJoinedLeader (group: ClassicGroup): boolean {
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId)
    if (leader === undefined) return false
    if (leader.awaitingJoin !== undefined) return true
    for (const member of group.members.values()) {
      if (member.awaitingJoin !== undefined) {
        group.leaderId = member.memberId
        return true
      }
    }
    return false
  }

  /** The leader's assignment: every member gets its part (members it left out get none) and the group is Stable. */
  completeSync (group: ClassicGroup, assignments: ReadonlyArray<{ memberId: string, assignment: Buffer }>): void {
    const byMember = new Map(assignments.map(({ memberId, assignment }) => [memberId, assignment]))
    const missing = [...group.members.keys()].filter(memberId => !byMember.has(memberId))
    if (missing.length > 0) {
      this.#logger.warn({ group: group.groupId, generationId: group.generationId, members: missing }, 'leader assigned nothing to some members')
    }
    for (const member of group.members.values()) member.assignment = byMember.get(member.memberId) ?? EMPTY_BYTES
    group.transitionTo('Stable')
    this.#onGroupChange(group)
    this.#logger.info({ group: group.groupId, generationId: group.generationId, members: group.members.size }, 'group is stable')
    for (const member of group.members.values()) {
      const answered = member.completeSync({
        errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment
      })
      if (answered) this.keepAlive(group, member.memberId)
    }
  }

  /** A member of the new generation sent SyncGroup; with none left, the sync timeout is off. */
  removePendingSync (group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.pendingSyncMembers.size === 0) group.cancelTimer(SYNC_TIMER)
  }

  #expirePendingSync (group: ClassicGroup, generationId: number): void {
    if (generationId !== group.generationId || !(group.is('CompletingRebalance') || group.is('Stable'))) return
    if (group.pendingSyncMembers.size === 0) return
    const late = [...group.pendingSyncMembers]
    for (const memberId of late) group.remove(memberId)
    this.#logger.info({ group: group.groupId, generationId, members: late }, 'removed members that did not send SyncGroup in time')
    this.prepareRebalance(group, 'members did not send SyncGroup in time')
  }

  #expireMember (group: ClassicGroup, memberId: string): void {
    if (group.is('Dead')) return
    if (group.pendingJoinMembers.has(memberId)) {
      group.remove(memberId)
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined) this.#completeJoin(group)
      return
    }
    const member = group.members.get(memberId)
    if (member === undefined || member.hasSatisfiedHeartbeat) return
    this.#logger.info({ group: group.groupId, memberId, groupInstanceId: member.groupInstanceId, sessionTimeoutMs: member.sessionTimeoutMs },
      'member session expired; removing it from the group')
    group.remove(memberId)
    if (group.is('Stable') || group.is('CompletingRebalance')) this.prepareRebalanceOrCompleteJoin(group, `member ${memberId} session expired`)
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined) this.#completeJoin(group)
  }
}
