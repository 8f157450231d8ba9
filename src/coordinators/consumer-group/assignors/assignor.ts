// What a server-side assignor of the consumer group protocol (KIP-848) is: a pure function from
// the members (their subscriptions and current target) and the subscribed topics' partition
// counts to each member's new target assignment, and helpers the assignors share.

/** Partitions per topic id. */
export type TopicPartitions = Map<string, Set<number>>

export interface AssignorMember {
  memberId: string
  /** Topic ids the member subscribes to (names and regex resolved to existing topics). */
  subscribedTopicIds: ReadonlySet<string>
  /** The member's target assignment so far, which the assignor keeps where it can (stickiness). */
  currentAssignment: ReadonlyMap<string, ReadonlySet<number>>
}

/**
 * Members (any order) and topic id -> partition count of every subscribed topic; returns each
 * member's assignment (every member present, possibly empty). The same input always gives the
 * same output.
 */
export type PartitionAssignor = (members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>) => Map<string, TopicPartitions>

/** Members sorted by id, so every assignor walks them in one order. */
export function sortedMembers (members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
}

export function addPartition (assignment: TopicPartitions, topicId: string, partition: number): void {
  let partitions = assignment.get(topicId)
  if (partitions === undefined) {
    partitions = new Set()
    assignment.set(topicId, partitions)
  }
  partitions.add(partition)
}

export function removePartition (assignment: TopicPartitions, topicId: string, partition: number): void {
  const partitions = assignment.get(topicId)
  if (partitions === undefined) return
  partitions.delete(partition)
  if (partitions.size === 0) assignment.delete(topicId)
}

export function countPartitions (assignment: ReadonlyMap<string, ReadonlySet<number>>): number {
  let count = 0
  for (const partitions of assignment.values()) count += partitions.size
  return count
}
