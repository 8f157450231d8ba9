// One consumer-protocol (KIP-848) group in its coordinator's memory: members, the group epoch
// (bumped when membership, subscriptions or the subscribed topics change), the target assignment
// and its epoch, and who owns each partition right now. Reconciliation follows Kafka's
// CurrentAssignmentBuilder: a member first gives up what it no longer has in its target
// (unrevoked_partitions, old epoch), then moves to the target epoch and receives each new partition
// only once its previous owner has reported it revoked (unreleased_partitions until then).
import type { TopicRecord } from '../../storage/catalog.ts'
import { addPartition, type PartitionAssignor, type TopicPartitions } from './assignors/assignor.ts'
import { DEFAULT_ASSIGNOR } from './assignors/assignors.ts'
import type { ConsumerGroupMember } from './consumer-group-member.ts'

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead'

/** Owned partitions as ConsumerGroupHeartbeat carries them. */
export interface WireTopicPartitions {
  topicId: string
  partitions: number[]
}

function partitionKey (topicId: string, partition: number): string {
  return `${topicId}\u0000${partition}`
}

export function toWire (assignment: ReadonlyMap<string, ReadonlySet<number>>): WireTopicPartitions[] {
  return [...assignment].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topicId, partitions]) => ({ topicId, partitions: [...partitions].sort((a, b) => a - b) }))
}

export function fromWire (topicPartitions: readonly WireTopicPartitions[]): TopicPartitions {
  const assignment: TopicPartitions = new Map()
  for (const { topicId, partitions } of topicPartitions) for (const partition of partitions) addPartition(assignment, topicId, partition)
  return assignment
}

export function sameAssignment (a: ReadonlyMap<string, ReadonlySet<number>>, b: ReadonlyMap<string, ReadonlySet<number>>): boolean {
  if (a.size !== b.size) return false
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId)
    if (other === undefined || other.size !== partitions.size) return false
    for (const partition of partitions) if (!other.has(partition)) return false
  }
  return true
}

function copy (assignment: ReadonlyMap<string, ReadonlySet<number>>): TopicPartitions {
  return new Map([...assignment].map(([topicId, partitions]) => [topicId, new Set(partitions)]))
}

function minus (a: ReadonlyMap<string, ReadonlySet<number>>, b: ReadonlyMap<string, ReadonlySet<number>>): TopicPartitions {
  const result: TopicPartitions = new Map()
  for (const [topicId, partitions] of a) for (const partition of partitions) if (b.get(topicId)?.has(partition) !== true) addPartition(result, topicId, partition)
  return result
}

function intersect (a: ReadonlyMap<string, ReadonlySet<number>>, b: ReadonlyMap<string, ReadonlySet<number>>): TopicPartitions {
  const result: TopicPartitions = new Map()
  for (const [topicId, partitions] of a) for (const partition of partitions) if (b.get(topicId)?.has(partition) === true) addPartition(result, topicId, partition)
  return result
}

export class ConsumerGroup {
  readonly clusterId: string
  readonly groupId: string
  groupEpoch = 0
  assignmentEpoch = 0
  readonly members = new Map<string, ConsumerGroupMember>()
  /** Static members: instance id -> member id. */
  readonly staticMembers = new Map<string, string>()
  /** Each member's target assignment at assignmentEpoch. */
  targetAssignment = new Map<string, TopicPartitions>()
  /** The assignor the last target was computed with. */
  assignorName = DEFAULT_ASSIGNOR
  /** "name:id:partitionCount" of every subscribed topic when the group epoch was last bumped for metadata. */
  #subscribedTopicsSignature = ''
  /** Who holds each partition (assigned or pending revocation): partition key -> member id. */
  readonly #owners = new Map<string, string>()
  #isDead = false

  constructor (clusterId: string, groupId: string) {
    this.clusterId = clusterId
    this.groupId = groupId
  }

  get state (): ConsumerGroupState {
    if (this.#isDead) return 'Dead'
    if (this.members.size === 0) return 'Empty'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const member of this.members.values()) {
      if (member.state !== 'stable' || member.memberEpoch !== this.assignmentEpoch) return 'Reconciling'
    }
    return 'Stable'
  }

  markDead (): void {
    this.#isDead = true
  }

  ownerOf (topicId: string, partition: number): string | undefined {
    return this.#owners.get(partitionKey(topicId, partition))
  }

  addMember (member: ConsumerGroupMember): void {
    this.members.set(member.memberId, member)
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId)
  }

  /** Removes the member and frees every partition it held (Kafka fences it). */
  removeMember (memberId: string): ConsumerGroupMember | undefined {
    const member = this.members.get(memberId)
    if (member === undefined) return undefined
    this.members.delete(memberId)
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) this.staticMembers.delete(member.instanceId)
    this.#release(member, member.assigned)
    this.#release(member, member.pendingRevocation)
    this.targetAssignment.delete(memberId)
    return member
  }

  /** A static member rejoining under a new member id takes the old one's place, epoch and partitions. */
  replaceStaticMember (previous: ConsumerGroupMember, next: ConsumerGroupMember): void {
    next.inherit(previous)
    this.members.delete(previous.memberId)
    this.addMember(next)
    for (const assignment of [next.assigned, next.pendingRevocation]) {
      for (const [topicId, partitions] of assignment) for (const partition of partitions) this.#owners.set(partitionKey(topicId, partition), next.memberId)
    }
    const target = this.targetAssignment.get(previous.memberId)
    this.targetAssignment.delete(previous.memberId)
    if (target !== undefined) this.targetAssignment.set(next.memberId, target)
  }

  /**
   * The assignor members asked for most (ties by name), or the default: Kafka's preferred server
   * assignor of the group.
   */
  preferredAssignor (): string {
    const votes = new Map<string, number>()
    for (const member of this.members.values()) if (member.serverAssignor !== null) votes.set(member.serverAssignor, (votes.get(member.serverAssignor) ?? 0) + 1)
    let best: string | undefined
    for (const [name, count] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) if (best === undefined || count > votes.get(best)!) best = name
    return best ?? DEFAULT_ASSIGNOR
  }

  /** The existing topics some member subscribes to, by name. */
  subscribedTopics (topics: readonly TopicRecord[]): TopicRecord[] {
    const members = [...this.members.values()]
    return topics.filter(topic => members.some(member => member.subscribesTo(topic.name)))
  }

  /**
   * Records the subscribed topics' ids and partition counts; true when they differ from the last
   * record (a subscribed topic was created, deleted or grew partitions), which bumps the group epoch.
   */
  updateSubscribedTopics (topics: readonly TopicRecord[]): boolean {
    const signature = this.subscribedTopics(topics).map(topic => `${topic.name}:${topic.topicId}:${topic.partitionCount}`).sort().join(',')
    if (signature === this.#subscribedTopicsSignature) return false
    this.#subscribedTopicsSignature = signature
    return true
  }

  /** Computes the target assignment for the current group epoch with the preferred assignor. */
  computeTargetAssignment (assignors: ReadonlyMap<string, PartitionAssignor>, topics: readonly TopicRecord[]): void {
    const subscribed = this.subscribedTopics(topics)
    const partitionCounts = new Map(subscribed.map(topic => [topic.topicId, topic.partitionCount]))
    const name = this.preferredAssignor()
    const assignor = assignors.get(name) ?? assignors.get(DEFAULT_ASSIGNOR)!
    const assignments = assignor([...this.members.values()].map(member => ({
      memberId: member.memberId,
      subscribedTopicIds: new Set(subscribed.filter(topic => member.subscribesTo(topic.name)).map(topic => topic.topicId)),
      currentAssignment: this.targetAssignment.get(member.memberId) ?? new Map()
    })), partitionCounts)
    this.targetAssignment = assignments
    this.assignorName = name
    this.assignmentEpoch = this.groupEpoch
  }

  /**
   * Moves the member toward its target as far as it can now, given the partitions it reports
   * owning (null: not reported in this heartbeat). Returns whether its assigned partitions changed.
   */
  reconcile (member: ConsumerGroupMember, owned: TopicPartitions | null): boolean {
    const before = member.assigned
    if (member.state === 'unrevoked_partitions') {
      // The member still holds partitions it was told to give up: nothing moves until it has.
      if (owned === null || intersect(owned, member.pendingRevocation).size > 0) return false
      this.#release(member, member.pendingRevocation)
      member.pendingRevocation = new Map()
      this.#computeNext(member)
    } else if (member.state === 'unreleased_partitions' || member.memberEpoch !== this.assignmentEpoch) {
      this.#computeNext(member)
    }
    return !sameAssignment(before, member.assigned)
  }

  /** Kafka's computeNextAssignment, against the member's target at assignmentEpoch. */
  #computeNext (member: ConsumerGroupMember): void {
    const target = this.targetAssignment.get(member.memberId) ?? new Map<string, Set<number>>()
    const kept = intersect(member.assigned, target)
    const revoked = minus(member.assigned, target)
    const wanted = minus(target, member.assigned)
    const free: TopicPartitions = new Map()
    const unreleased: TopicPartitions = new Map()
    for (const [topicId, partitions] of wanted) {
      for (const partition of partitions) {
        const owner = this.ownerOf(topicId, partition)
        addPartition(owner === undefined || owner === member.memberId ? free : unreleased, topicId, partition)
      }
    }
    if (revoked.size > 0) {
      // Keep the epoch: the member gets the new one only once it has given the partitions up.
      member.state = 'unrevoked_partitions'
      member.assigned = kept
      member.pendingRevocation = revoked
      return
    }
    member.previousMemberEpoch = member.memberEpoch
    member.memberEpoch = this.assignmentEpoch
    const next = copy(kept)
    for (const [topicId, partitions] of free) {
      for (const partition of partitions) {
        addPartition(next, topicId, partition)
        this.#owners.set(partitionKey(topicId, partition), member.memberId)
      }
    }
    member.assigned = next
    member.state = unreleased.size > 0 ? 'unreleased_partitions' : 'stable'
  }

  #release (member: ConsumerGroupMember, assignment: ReadonlyMap<string, ReadonlySet<number>>): void {
    for (const [topicId, partitions] of assignment) {
      for (const partition of partitions) {
        const key = partitionKey(topicId, partition)
        if (this.#owners.get(key) === member.memberId) this.#owners.delete(key)
      }
    }
  }
}
