// The uniform and range assignors as pure functions: balance, stickiness, subscriptions that differ,
// vanished topics and partitions, and the same answer for the same input.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AssignorMember, PartitionAssignor, TopicPartitions } from './assignor.ts'
import { rangeAssignor } from './range-assignor.ts'
import { uniformAssignor } from './uniform-assignor.ts'

function member (memberId: string, topics: string[], current: Record<string, number[]> = {}): AssignorMember {
  return {
    memberId,
    subscribedTopicIds: new Set(topics),
    currentAssignment: new Map(Object.entries(current).map(([topicId, partitions]) => [topicId, new Set(partitions)]))
  }
}

/** memberId -> "topic:partition" sorted, for readable comparisons. */
function flat (assignments: Map<string, TopicPartitions>): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  for (const [memberId, assignment] of assignments) {
    result[memberId] = [...assignment].flatMap(([topicId, partitions]) => [...partitions].map(partition => `${topicId}:${partition}`))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  }
  return result
}

function current (assignments: Map<string, TopicPartitions>, memberId: string): Record<string, number[]> {
  return Object.fromEntries([...(assignments.get(memberId) ?? [])].map(([topicId, partitions]) => [topicId, [...partitions]]))
}

function assertEachOnce (assignments: Map<string, TopicPartitions>, partitionCounts: Map<string, number>): void {
  const seen = new Map<string, number>()
  for (const assignment of assignments.values()) {
    for (const [topicId, partitions] of assignment) for (const partition of partitions) seen.set(`${topicId}:${partition}`, (seen.get(`${topicId}:${partition}`) ?? 0) + 1)
  }
  const expected = [...partitionCounts].flatMap(([topicId, count]) => Array.from({ length: count }, (_, partition) => `${topicId}:${partition}`))
  assert.deepEqual([...seen.keys()].sort(), expected.sort(), 'every partition is assigned')
  assert.ok([...seen.values()].every(count => count === 1), 'no partition is assigned twice')
}

const sizes = (assignments: Map<string, TopicPartitions>): number[] =>
  [...assignments.values()].map(assignment => [...assignment.values()].reduce((sum, partitions) => sum + partitions.size, 0))

describe('uniform assignor', () => {
  it('spreads the partitions of a fresh group evenly and the same way every time', () => {
    const counts = new Map([['t', 6]])
    const members = [member('b', ['t']), member('a', ['t']), member('c', ['t']), member('d', ['t'])]
    const first = uniformAssignor(members, counts)
    assertEachOnce(first, counts)
    assert.deepEqual(sizes(first).sort(), [1, 1, 2, 2])
    assert.deepEqual(flat(uniformAssignor([...members].reverse(), counts)), flat(first), 'member order does not matter')
  })

  it('keeps existing owners when a member joins, moving only the surplus', () => {
    const counts = new Map([['t', 6]])
    const before = uniformAssignor([member('a', ['t']), member('b', ['t'])], counts)
    const after = uniformAssignor([
      member('a', ['t'], current(before, 'a')), member('b', ['t'], current(before, 'b')), member('c', ['t'])
    ], counts)
    assertEachOnce(after, counts)
    assert.deepEqual(sizes(after), [2, 2, 2])
    for (const memberId of ['a', 'b']) {
      const kept = flat(after)[memberId]!
      assert.ok(kept.every(partition => flat(before)[memberId]!.includes(partition)), `${memberId} only gives partitions away`)
    }
  })

  it('changes nothing when the current assignment is already balanced', () => {
    const counts = new Map([['t', 4], ['u', 2]])
    const members = [member('a', ['t', 'u'], { t: [3, 2], u: [0] }), member('b', ['t', 'u'], { t: [0, 1], u: [1] })]
    assert.deepEqual(flat(uniformAssignor(members, counts)), { a: ['t:2', 't:3', 'u:0'], b: ['t:0', 't:1', 'u:1'] })
  })

  it('hands a leaving member\'s partitions to the others and drops partitions of deleted topics', () => {
    const counts = new Map([['t', 4]])
    const result = uniformAssignor([member('a', ['t', 'gone'], { t: [0, 1], gone: [0] }), member('c', ['t'])], counts)
    assert.deepEqual(flat(result), { a: ['t:0', 't:1'], c: ['t:2', 't:3'] })
  })

  it('gives each topic only to its subscribers when subscriptions differ, balancing what can be balanced', () => {
    const counts = new Map([['t', 4], ['u', 4]])
    const result = uniformAssignor([member('a', ['t']), member('b', ['t', 'u']), member('c', ['u'])], counts)
    assertEachOnce(result, counts)
    const byMember = flat(result)
    assert.ok(byMember.a!.every(partition => partition.startsWith('t:')))
    assert.ok(byMember.c!.every(partition => partition.startsWith('u:')))
    assert.deepEqual(sizes(result).sort(), [2, 3, 3])
  })

  it('leaves a member without subscribed topics empty, and keeps each partition with one owner when two claim it', () => {
    const counts = new Map([['t', 2]])
    const result = uniformAssignor([member('a', ['t'], { t: [0, 1] }), member('b', ['t'], { t: [1] }), member('z', [])], counts)
    assertEachOnce(result, counts)
    assert.deepEqual(flat(result), { a: ['t:0'], b: ['t:1'], z: [] })
  })
})

describe('range assignor', () => {
  it('gives each member a contiguous range, the first members one more, co-partitioning topics of equal size', () => {
    const counts = new Map([['t', 7], ['u', 7]])
    const result = rangeAssignor([member('b', ['t', 'u']), member('a', ['t', 'u']), member('c', ['t', 'u'])], counts)
    assert.deepEqual(flat(result), {
      a: ['t:0', 't:1', 't:2', 'u:0', 'u:1', 'u:2'],
      b: ['t:3', 't:4', 'u:3', 'u:4'],
      c: ['t:5', 't:6', 'u:5', 'u:6']
    })
  })

  it('keeps members\' partitions up to their share when one joins, and is balanced per topic', () => {
    const counts = new Map([['t', 6]])
    const before = rangeAssignor([member('a', ['t']), member('b', ['t'])], counts)
    assert.deepEqual(flat(before), { a: ['t:0', 't:1', 't:2'], b: ['t:3', 't:4', 't:5'] })
    const after = rangeAssignor([member('a', ['t'], current(before, 'a')), member('b', ['t'], current(before, 'b')), member('c', ['t'])], counts)
    assert.deepEqual(flat(after), { a: ['t:0', 't:1'], b: ['t:3', 't:4'], c: ['t:2', 't:5'] })
  })

  it('assigns a topic only among its subscribers and ignores partitions that no longer exist', () => {
    const counts = new Map([['t', 2], ['u', 3]])
    const result = rangeAssignor([member('a', ['t'], { t: [0, 1, 5] }), member('b', ['t', 'u'])], counts)
    assertEachOnce(result, counts)
    assert.deepEqual(flat(result), { a: ['t:0'], b: ['t:1', 'u:0', 'u:1', 'u:2'] })
  })

  it('answers the same for the same input', () => {
    const counts = new Map([['t', 5]])
    const members = [member('x', ['t'], { t: [4] }), member('y', ['t'])]
    const assign: PartitionAssignor = rangeAssignor
    assert.deepEqual(flat(assign(members, counts)), flat(assign([...members].reverse(), counts)))
  })
})
