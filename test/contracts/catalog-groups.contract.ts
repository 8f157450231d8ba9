// The Catalog contract for consumer groups and committed offsets: group records with the per-cluster
// limit, offsets committed in one transaction with per-partition errors, and cleanup when groups or
// topics are deleted. Run by runCatalogContract on every backend.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import type { CommittedOffset, GroupRecord } from '../../src/storage/catalog.ts'
import { CLUSTER, OTHER_CLUSTER, openWithTopic, opened, topicRecord } from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'

export function groupRecord (groupId: string, clusterId = CLUSTER): GroupRecord {
  return { clusterId, groupId, protocolType: 'consumer', state: 'Empty', generationId: 0, createdAtMs: 1_700_000_000_000 }
}

export function committed (topicId: string, partition: number, committedOffset: number, fields: Partial<CommittedOffset> = {}): CommittedOffset {
  return { topicId, partition, committedOffset, leaderEpoch: -1, metadata: '', commitTimestampMs: 1_700_000_000_500, ...fields }
}

export function runCatalogGroupsContract (open: OpenCatalog): void {
  describe('consumer groups', () => {
    it('creates a group once, lists the groups of a cluster by id, and gets one', async t => {
      const catalog = await opened(open, t)
      assert.equal(await catalog.createGroup(groupRecord('b'), 10), 'created')
      assert.equal(await catalog.createGroup({ ...groupRecord('a'), protocolType: '' }, 10), 'created')
      assert.equal(await catalog.createGroup({ ...groupRecord('a'), state: 'Stable' }, 10), 'exists')
      assert.equal(await catalog.createGroup(groupRecord('a', OTHER_CLUSTER), 10), 'created')
      assert.deepEqual((await catalog.listGroups(CLUSTER)).map(group => group.groupId), ['a', 'b'])
      assert.deepEqual(await catalog.getGroup(CLUSTER, 'a'), { ...groupRecord('a'), protocolType: '' })
      assert.equal(await catalog.getGroup(CLUSTER, 'missing'), undefined)
      assert.deepEqual(await catalog.listGroups('no-such-cluster'), [])
    })

    it('refuses a new group at the cluster limit, counting only that cluster', async t => {
      const catalog = await opened(open, t)
      assert.equal(await catalog.createGroup(groupRecord('one'), 2), 'created')
      assert.equal(await catalog.createGroup(groupRecord('two'), 2), 'created')
      assert.equal(await catalog.createGroup(groupRecord('three'), 2), 'limit-reached')
      assert.equal(await catalog.createGroup(groupRecord('one'), 2), 'exists', 'an existing group is found, not refused')
      assert.equal(await catalog.createGroup(groupRecord('three', OTHER_CLUSTER), 2), 'created')
      assert.equal(await catalog.getGroup(CLUSTER, 'three'), undefined)
      await catalog.deleteGroup(CLUSTER, 'one')
      assert.equal(await catalog.createGroup(groupRecord('three'), 2), 'created', 'a deleted group frees its place')
    })

    it('records state, protocol type and generation of an existing group only', async t => {
      const catalog = await opened(open, t)
      await catalog.createGroup({ ...groupRecord('g'), protocolType: '' }, 10)
      assert.equal(await catalog.updateGroup(CLUSTER, 'g', { protocolType: 'consumer', state: 'Stable', generationId: 4 }), true)
      assert.deepEqual(await catalog.getGroup(CLUSTER, 'g'), { ...groupRecord('g'), state: 'Stable', generationId: 4 })
      assert.equal(await catalog.updateGroup(CLUSTER, 'missing', { protocolType: '', state: 'Empty', generationId: 0 }), false)
      assert.equal(await catalog.getGroup(CLUSTER, 'missing'), undefined)
    })

    it('commits offsets with epoch, metadata and timestamp, replacing earlier commits of the same partition', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await catalog.createGroup(groupRecord('g'), 10)
      assert.deepEqual(await catalog.commitOffsets(CLUSTER, 'g', [
        committed(topic.topicId, 0, 10, { leaderEpoch: 3, metadata: 'first' }),
        committed(topic.topicId, 1, 20)
      ]), [0, 0])
      assert.deepEqual(await catalog.commitOffsets(CLUSTER, 'g', [committed(topic.topicId, 0, 15, { metadata: 'second', commitTimestampMs: 9 })]), [0])
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g'), [
        committed(topic.topicId, 0, 15, { metadata: 'second', commitTimestampMs: 9 }),
        committed(topic.topicId, 1, 20)
      ])
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g', [{ topicId: topic.topicId, partition: 1 }, { topicId: topic.topicId, partition: 2 }]), [
        committed(topic.topicId, 1, 20)
      ])
      assert.deepEqual(await catalog.commitOffsets(CLUSTER, 'g', []), [])
    })

    it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing partition, topic or other cluster\'s topic, and stores the rest', async t => {
      const { catalog, topic } = await openWithTopic(open, t, 2)
      const foreign = topicRecord('foreign', 1, OTHER_CLUSTER)
      await catalog.createTopic(foreign)
      await catalog.createGroup(groupRecord('g'), 10)
      assert.deepEqual(await catalog.commitOffsets(CLUSTER, 'g', [
        committed(topic.topicId, 0, 1),
        committed(topic.topicId, 2, 1),
        committed(randomUUID(), 0, 1),
        committed(foreign.topicId, 0, 1),
        committed(topic.topicId, 1, 2)
      ]), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0])
      assert.deepEqual((await catalog.fetchOffsets(CLUSTER, 'g')).map(offset => [offset.partition, offset.committedOffset]), [[0, 1], [1, 2]])
    })

    it('answers GROUP_ID_NOT_FOUND for commits to a group that does not exist, storing nothing', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      assert.deepEqual(await catalog.commitOffsets(CLUSTER, 'missing', [committed(topic.topicId, 0, 1)]), [ErrorCode.GROUP_ID_NOT_FOUND])
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'missing'), [])
    })

    it('keeps the offsets of groups and clusters apart', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await catalog.createGroup(groupRecord('one'), 10)
      await catalog.createGroup(groupRecord('two'), 10)
      await catalog.createGroup(groupRecord('one', OTHER_CLUSTER), 10)
      await catalog.commitOffsets(CLUSTER, 'one', [committed(topic.topicId, 0, 5)])
      await catalog.commitOffsets(CLUSTER, 'two', [committed(topic.topicId, 0, 7)])
      assert.deepEqual(await catalog.commitOffsets(OTHER_CLUSTER, 'one', [committed(topic.topicId, 0, 9)]), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
      assert.deepEqual((await catalog.fetchOffsets(CLUSTER, 'one')).map(offset => offset.committedOffset), [5])
      assert.deepEqual((await catalog.fetchOffsets(CLUSTER, 'two')).map(offset => offset.committedOffset), [7])
      assert.deepEqual(await catalog.fetchOffsets(OTHER_CLUSTER, 'one'), [])
    })

    it('deletes chosen offsets and says how many existed', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await catalog.createGroup(groupRecord('g'), 10)
      await catalog.commitOffsets(CLUSTER, 'g', [committed(topic.topicId, 0, 1), committed(topic.topicId, 1, 2), committed(topic.topicId, 2, 3)])
      const deleted = await catalog.deleteOffsets(CLUSTER, 'g', [
        { topicId: topic.topicId, partition: 0 }, { topicId: topic.topicId, partition: 2 }, { topicId: randomUUID(), partition: 0 }
      ])
      assert.equal(deleted, 2)
      assert.deepEqual((await catalog.fetchOffsets(CLUSTER, 'g')).map(offset => offset.partition), [1])
      assert.equal(await catalog.deleteOffsets(CLUSTER, 'missing', [{ topicId: topic.topicId, partition: 1 }]), 0)
    })

    it('deletes a group with its offsets; the id can be used again and starts without offsets', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await catalog.createGroup(groupRecord('g'), 10)
      await catalog.commitOffsets(CLUSTER, 'g', [committed(topic.topicId, 0, 1)])
      assert.equal(await catalog.deleteGroup(CLUSTER, 'g'), true)
      assert.equal(await catalog.deleteGroup(CLUSTER, 'g'), false)
      assert.equal(await catalog.getGroup(CLUSTER, 'g'), undefined)
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g'), [])
      assert.equal(await catalog.createGroup(groupRecord('g'), 10), 'created')
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g'), [])
    })

    it('drops a deleted topic\'s committed offsets in every group, keeping other topics\' offsets', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const other = topicRecord('other', 1)
      await catalog.createTopic(other)
      for (const group of ['one', 'two']) {
        await catalog.createGroup(groupRecord(group), 10)
        await catalog.commitOffsets(CLUSTER, group, [committed(topic.topicId, 0, 1), committed(other.topicId, 0, 2)])
      }
      await catalog.deleteTopic(CLUSTER, 'events')
      for (const group of ['one', 'two']) {
        assert.deepEqual((await catalog.fetchOffsets(CLUSTER, group)).map(offset => offset.topicId), [other.topicId])
      }
      const again = topicRecord('events', 3)
      await catalog.createTopic(again)
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'one', [{ topicId: again.topicId, partition: 0 }]), [])
    })
  })
}
