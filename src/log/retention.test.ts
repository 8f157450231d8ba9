import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TopicRegistry } from '../broker/topic-registry.ts'
import { silentLogger } from '../common/logger.ts'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { MemoryObjectStore } from '../storage/memory/memory-object-store.ts'
import { LogEngine } from './log-engine.ts'
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, RetentionJob } from './retention.ts'

test('a retention pass forgets producers idle for longer than producer.id.expiration.ms (1 day by default)', async t => {
  const catalog = new MemoryCatalog()
  const objectStore = new MemoryObjectStore()
  const topicId = '11111111-2222-3333-4444-555555555555'
  await catalog.createTopic({ clusterId: 'c1', topicId, name: 'events', partitionCount: 1, configs: { 'retention.ms': '-1' }, createdAtMs: 0 })
  const log = new LogEngine({
    catalog, objectStore, flushBytes: 1 << 20, flushMs: 0, maxPendingBytes: 1 << 24, tailCacheBytes: 0, onFlushError: () => {}
  })
  t.after(() => log.close())
  const topics = new TopicRegistry(catalog)
  await topics.load('c1')
  let nowMs = 10 * DEFAULT_PRODUCER_ID_EXPIRATION_MS
  const job = new RetentionJob({ catalog, objectStore, log, topics, clock: { nowMs: () => nowMs }, logger: silentLogger, clusterIds: ['c1'] })
  const old = await catalog.allocateProducerId('c1', nowMs - DEFAULT_PRODUCER_ID_EXPIRATION_MS - 1)
  const recent = await catalog.allocateProducerId('c1', nowMs - 1000)
  const append = { clusterId: 'c1', topicId, partition: 0, position: 0, size: 10, offsetCount: 1, producerEpoch: 0, baseSequence: 0, isTransactional: false, isControl: false }
  await catalog.commitAppends('object', [
    { ...append, producerId: old.producerId, maxTimestamp: nowMs - DEFAULT_PRODUCER_ID_EXPIRATION_MS - 1 },
    { ...append, producerId: recent.producerId, maxTimestamp: nowMs - 1000, position: 10 }
  ])
  assert.equal((await job.runOnce()).producersExpired, 2)
  assert.deepEqual((await catalog.listPartitionProducers(topicId, 0)).map(state => state.producerId), [recent.producerId])
  assert.equal(await catalog.getProducerId('c1', old.producerId), undefined)
  nowMs += DEFAULT_PRODUCER_ID_EXPIRATION_MS
  assert.equal((await job.runOnce()).producersExpired, 2)
  assert.deepEqual(await catalog.listPartitionProducers(topicId, 0), [])
})
