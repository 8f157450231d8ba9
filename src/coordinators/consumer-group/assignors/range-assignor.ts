// The `range` server-side assignor: per topic, the members subscribed to it (by id) share its
// partitions in ranges; each gets partitionCount / members, and the first partitionCount % members
// of them one more, so topics with equal partition counts and subscribers are co-partitioned.
// Sticky as Kafka's server-side range assignor is: a member keeps its current partitions of a
// topic up to its share (members that held more get the extra shares first), and only the rest is
// handed out, in order. Deterministic for the same input.
import { addPartition, sortedMembers, type PartitionAssignor, type TopicPartitions } from './assignor.ts'

export const rangeAssignor: PartitionAssignor = (members, partitionCounts) => {
  const sorted = sortedMembers(members)
  const assignments = new Map<string, TopicPartitions>(sorted.map(member => [member.memberId, new Map()]))
  for (const topicId of [...partitionCounts.keys()].sort()) {
    const partitionCount = partitionCounts.get(topicId)!
    const subscribers = sorted.filter(member => member.subscribedTopicIds.has(topicId))
    if (subscribers.length === 0) continue
    const minimum = Math.floor(partitionCount / subscribers.length)
    let extras = partitionCount % subscribers.length
    const current = subscribers.map(member =>
      [...(member.currentAssignment.get(topicId) ?? [])].filter(partition => partition < partitionCount).sort((a, b) => a - b))
    // Who gets a share of minimum + 1: those already holding more than the minimum, then the rest by id.
    const shares = subscribers.map(() => minimum)
    for (const [index, held] of current.entries()) {
      if (extras > 0 && held.length > minimum) {
        shares[index]!++
        extras--
      }
    }
    for (const index of shares.keys()) {
      if (extras > 0 && shares[index] === minimum) {
        shares[index]!++
        extras--
      }
    }
    const taken = new Set<number>()
    const chosen = subscribers.map(() => [] as number[])
    for (const [index, held] of current.entries()) {
      for (const partition of held) {
        if (chosen[index]!.length >= shares[index]!) break
        if (taken.has(partition)) continue
        taken.add(partition)
        chosen[index]!.push(partition)
      }
    }
    let next = 0
    for (const [index, member] of subscribers.entries()) {
      while (chosen[index]!.length < shares[index]!) {
        while (taken.has(next)) next++
        taken.add(next)
        chosen[index]!.push(next)
      }
      for (const partition of chosen[index]!) addPartition(assignments.get(member.memberId)!, topicId, partition)
    }
  }
  return assignments
}
