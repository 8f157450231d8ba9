// One member of a consumer-protocol (KIP-848) group as its coordinator keeps it: identity, what it
// subscribes to (topic names and/or a regex), its member epoch and reconciliation state, and the
// partitions it owns now (assigned) or must still give up (pending revocation).
import { KafkaError } from '../../common/errors.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { TopicPartitions } from './assignors/assignor.ts'

/**
 * Kafka's MemberState: `stable` (owns its target), `unrevoked_partitions` (must first give up
 * partitions; its epoch is not bumped until it has), `unreleased_partitions` (at the new epoch,
 * waiting for partitions other members still own).
 */
export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions'

/** Member epoch of a static member that left for a while (ConsumerGroupHeartbeat epoch -2). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2
export const LEAVE_GROUP_MEMBER_EPOCH = -1

/** Longest SubscribedTopicRegex accepted: JS RegExp is not linear-time as RE2/J is, so keep them short. */
export const MAX_REGEX_LENGTH = 1000

/**
 * A SubscribedTopicRegex (RE2/J syntax, which Kafka matches against the whole topic name) as a JS
 * RegExp; an invalid one throws KafkaError INVALID_REGULAR_EXPRESSION.
 */
export function compileTopicRegex (regex: string): RegExp {
  if (regex.length > MAX_REGEX_LENGTH) {
    throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex is longer than ${MAX_REGEX_LENGTH} characters.`)
  }
  try {
    return new RegExp(`^(?:${regex})$`)
  } catch (error) {
    throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex ${regex} is invalid: ${(error as Error).message}`)
  }
}

export class ConsumerGroupMember {
  memberId: string
  instanceId: string | null
  rackId: string | null = null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  /** Sorted, without duplicates. */
  subscribedTopicNames: string[] = []
  subscribedTopicRegex: string | null = null
  #regex: RegExp | null = null
  serverAssignor: string | null = null
  memberEpoch = 0
  previousMemberEpoch = -1
  state: MemberState = 'stable'
  /** Partitions the member may use now. */
  assigned: TopicPartitions = new Map()
  /** Partitions the member was told to give up and has not yet reported gone. */
  pendingRevocation: TopicPartitions = new Map()

  constructor (fields: { memberId: string, instanceId: string | null, clientId: string, clientHost: string, rebalanceTimeoutMs: number }) {
    this.memberId = fields.memberId
    this.instanceId = fields.instanceId
    this.clientId = fields.clientId
    this.clientHost = fields.clientHost
    this.rebalanceTimeoutMs = fields.rebalanceTimeoutMs
  }

  /** Sets the topic names; true when they changed. */
  subscribeToNames (names: readonly string[]): boolean {
    const sorted = [...new Set(names)].sort()
    if (sorted.length === this.subscribedTopicNames.length && sorted.every((name, index) => name === this.subscribedTopicNames[index])) return false
    this.subscribedTopicNames = sorted
    return true
  }

  /** Sets the regex (already compiled by the caller, so it is known to be valid); true when it changed. An empty regex subscribes to nothing. */
  subscribeToRegex (regex: string, compiled: RegExp): boolean {
    if (regex === this.subscribedTopicRegex) return false
    this.subscribedTopicRegex = regex
    this.#regex = regex === '' ? null : compiled
    return true
  }

  /** Whether the member subscribes to the topic, by name or by regex. */
  subscribesTo (topicName: string): boolean {
    return this.subscribedTopicNames.includes(topicName) || (this.#regex?.test(topicName) ?? false)
  }

  /** Takes over another member's state: a static member rejoining under a new member id. */
  inherit (previous: ConsumerGroupMember): void {
    // Back from epoch -2 at epoch 0: reconciliation then moves it to the group's assignment epoch.
    this.memberEpoch = previous.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH ? 0 : previous.memberEpoch
    this.previousMemberEpoch = previous.previousMemberEpoch
    this.state = previous.state
    this.assigned = previous.assigned
    this.pendingRevocation = previous.pendingRevocation
    this.subscribedTopicNames = previous.subscribedTopicNames
    this.subscribedTopicRegex = previous.subscribedTopicRegex
    this.#regex = previous.#regex
    this.serverAssignor = previous.serverAssignor
    this.rackId = previous.rackId
  }
}
