// The `uniform` server-side assignor (Kafka 4's default): spreads every subscribed partition over
// the members subscribed to its topic so that no member holds two or more partitions more than a
// member that could take one of them. Sticky: members first keep what they already have, then new
// or orphaned partitions go to the least loaded eligible member, and only the surplus of
// overloaded members moves. Deterministic: members are walked by id, topics by id, partitions in order.
import { addPartition, removePartition, sortedMembers, type AssignorMember, type PartitionAssignor, type TopicPartitions } from './assignor.ts'

function partitionKey (topicId: string, partition: number): string {
  return `${topicId}\u0000${partition}`
}

export const uniformAssignor: PartitionAssignor = (members, partitionCounts) => {
  const sorted = sortedMembers(members)
  const assignments = new Map<string, TopicPartitions>(sorted.map(member => [member.memberId, new Map()]))
  const counts = new Map<string, number>(sorted.map(member => [member.memberId, 0]))
  const owners = new Map<string, string>()
  const give = (member: AssignorMember, topicId: string, partition: number): void => {
    addPartition(assignments.get(member.memberId)!, topicId, partition)
    counts.set(member.memberId, counts.get(member.memberId)! + 1)
    owners.set(partitionKey(topicId, partition), member.memberId)
  }
  const take = (member: AssignorMember, topicId: string, partition: number): void => {
    removePartition(assignments.get(member.memberId)!, topicId, partition)
    counts.set(member.memberId, counts.get(member.memberId)! - 1)
    owners.delete(partitionKey(topicId, partition))
  }
  const countOf = (member: AssignorMember): number => counts.get(member.memberId)!

  // 1. Keep what each member already has, where the topic still exists with that partition and the
  // member still subscribes to it (the first member by id wins a partition claimed twice).
  for (const member of sorted) {
    for (const topicId of [...member.currentAssignment.keys()].sort()) {
      const partitionCount = partitionCounts.get(topicId)
      if (partitionCount === undefined || !member.subscribedTopicIds.has(topicId)) continue
      for (const partition of [...member.currentAssignment.get(topicId)!].sort((a, b) => a - b)) {
        if (partition < partitionCount && !owners.has(partitionKey(topicId, partition))) give(member, topicId, partition)
      }
    }
  }

  // 2. Every partition without an owner goes to the least loaded member subscribed to its topic.
  const topicIds = [...partitionCounts.keys()].sort()
  for (const topicId of topicIds) {
    const eligible = sorted.filter(member => member.subscribedTopicIds.has(topicId))
    if (eligible.length === 0) continue
    const partitionCount = partitionCounts.get(topicId)!
    for (let partition = 0; partition < partitionCount; partition++) {
      if (owners.has(partitionKey(topicId, partition))) continue
      let receiver = eligible[0]!
      for (const member of eligible) if (countOf(member) < countOf(receiver)) receiver = member
      give(receiver, topicId, partition)
    }
  }

  // 3. Balance: while some member holds at least two more than a member that could take one of
  // its partitions, move one (the most loaded member gives its last partitions first). Each move
  // lowers the sum of squared counts, so this ends.
  for (;;) {
    const byLoad = [...sorted].sort((a, b) => countOf(b) - countOf(a))
    let move: { from: AssignorMember, to: AssignorMember, topicId: string, partition: number } | undefined
    for (const from of byLoad) {
      const owned = assignments.get(from.memberId)!
      for (const topicId of [...owned.keys()].sort().reverse()) {
        for (const partition of [...owned.get(topicId)!].sort((a, b) => b - a)) {
          for (const to of sorted) {
            if (to === from || !to.subscribedTopicIds.has(topicId) || countOf(to) >= countOf(from) - 1) continue
            if (move === undefined || countOf(to) < countOf(move.to)) move = { from, to, topicId, partition }
          }
        }
      }
      if (move !== undefined) break
    }
    if (move === undefined) break
    take(move.from, move.topicId, move.partition)
    give(move.to, move.topicId, move.partition)
  }
  return assignments
}
