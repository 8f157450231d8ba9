// OffsetCommitWriter over an in-memory Catalog: commits queued behind a write share the next one.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryCatalog } from '../../storage/memory/memory-catalog.ts'
import type { CommittedOffset } from '../../storage/catalog.ts'
import { OffsetCommitWriter } from './offset-commit-writer.ts'

const TOPIC_ID = '11111111-2222-3333-4444-555555555555'

function offset (partition: number, committedOffset: number): CommittedOffset {
  return { topicId: TOPIC_ID, partition, committedOffset, leaderEpoch: -1, metadata: '', commitTimestampMs: 0 }
}

test('commits that pile up behind a write go out together, in order, each answered with its own error codes', async () => {
  const catalog = new MemoryCatalog()
  await catalog.createTopic({ clusterId: 'c', topicId: TOPIC_ID, name: 't', partitionCount: 2, configs: {}, createdAtMs: 0 })
  await catalog.createGroup({ clusterId: 'c', groupId: 'g', protocolType: '', state: 'Empty', generationId: 0, createdAtMs: 0 }, 10)
  const calls: number[] = []
  const commitOffsets = catalog.commitOffsets.bind(catalog)
  catalog.commitOffsets = async (clusterId, groupId, offsets) => {
    calls.push(offsets.length)
    return await commitOffsets(clusterId, groupId, offsets)
  }
  const writer = new OffsetCommitWriter(catalog)
  const results = await Promise.all([
    writer.write('c', 'g', [offset(0, 1)]),
    writer.write('c', 'g', [offset(0, 2), offset(1, 5)]),
    writer.write('c', 'g', [offset(0, 3), offset(7, 1)]),
    writer.write('c', 'other-group', [offset(0, 9)])
  ])
  assert.deepEqual(results, [[0], [0, 0], [0, 3], [69]], 'unknown partition 7: UNKNOWN_TOPIC_OR_PARTITION; no such group: GROUP_ID_NOT_FOUND')
  assert.deepEqual(calls, [1, 1, 4], 'the first writes of g and of other-group go at once; the two commits queued behind g\'s share one')
  assert.deepEqual((await catalog.fetchOffsets('c', 'g')).map(entry => [entry.partition, entry.committedOffset]), [[0, 3], [1, 5]])
  await writer.idle('c', 'g')
})
