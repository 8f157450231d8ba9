// The log engine's side of transactions: the last stable offset follows open transactions,
// read_committed reads stop at it and carry the aborted ranges, markers are control batches, and a
// fresh engine over the same Catalog rebuilds the same state.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { MemoryObjectStore } from '../storage/memory/memory-object-store.ts'
import { buildRecordBatch } from '../protocol/records/record-batch-builder.ts'
import { Attributes, Offsets, readBatchHeader } from '../protocol/records/record-batch.ts'
import { LogEngine } from './log-engine.ts'

const CLUSTER = 'c1'
const TOPIC_ID = '11111111-2222-3333-4444-555555555555'
const PRODUCER_ID = 42

async function setup (t: { after: (fn: () => Promise<void>) => void }) {
  const catalog = new MemoryCatalog()
  const objectStore = new MemoryObjectStore()
  await catalog.createCluster({ clusterId: CLUSTER, name: 'one', state: 'ACTIVE', createdAtMs: 0 })
  await catalog.createTopic({ clusterId: CLUSTER, topicId: TOPIC_ID, name: 'events', partitionCount: 1, configs: {}, createdAtMs: 0 })
  await catalog.saveTransaction({
    clusterId: CLUSTER,
    transactionalId: 'txn',
    producerId: PRODUCER_ID,
    producerEpoch: 0,
    lastProducerEpoch: -1,
    timeoutMs: 60_000,
    state: 'Ongoing',
    startedAtMs: 0,
    updatedAtMs: 0,
    partitions: [{ topicId: TOPIC_ID, partition: 0 }],
    groupIds: [],
    pendingOffsets: []
  })
  const open = () => new LogEngine({
    catalog, objectStore, flushBytes: 1 << 20, flushMs: 0, maxPendingBytes: 1 << 24, tailCacheBytes: 1 << 20, onFlushError: () => {}
  })
  const log = open()
  t.after(() => log.close())
  return { log, open }
}

function batch (count: number, transactional: boolean, baseSequence = -1): Buffer {
  return buildRecordBatch({
    baseTimestamp: 1000,
    attributes: transactional ? Attributes.transactional : 0,
    producerId: transactional ? PRODUCER_ID : -1,
    producerEpoch: transactional ? 0 : -1,
    baseSequence,
    records: Array.from({ length: count }, (_, index) => ({ value: Buffer.from(`v${index}`) }))
  })
}

async function append (log: LogEngine, bytes: Buffer): Promise<number> {
  const result = await log.append({ clusterId: CLUSTER, topicId: TOPIC_ID, partition: 0 }, bytes, readBatchHeader(bytes))
  assert.equal(result.errorCode, 0, 'message' in result ? result.message : '')
  return 'baseOffset' in result ? result.baseOffset : -1
}

function batchesOf (chunks: Buffer[]): Array<{ baseOffset: number, isControl: boolean }> {
  const found: Array<{ baseOffset: number, isControl: boolean }> = []
  for (const chunk of chunks) {
    for (let position = 0; position < chunk.length; position += chunk.readInt32BE(position + Offsets.batchLength) + 12) {
      const attributes = chunk.readInt16BE(position + Offsets.attributes)
      found.push({ baseOffset: Number(chunk.readBigInt64BE(position)), isControl: (attributes & Attributes.control) !== 0 })
    }
  }
  return found
}

test('read_committed stops at the first open transaction; an abort marker releases it and lists the aborted range', async t => {
  const { log, open } = await setup(t)
  await append(log, batch(2, false))
  assert.equal(await append(log, batch(3, true, 0)), 2)
  await append(log, batch(1, false))
  assert.deepEqual(await log.offsets(TOPIC_ID, 0), { logStartOffset: 0, highWatermark: 6, lastStableOffset: 2 })

  const uncommitted = await log.read(TOPIC_ID, 0, 0, 1 << 20)
  assert.deepEqual(batchesOf(uncommitted.chunks).map(entry => entry.baseOffset), [0, 2, 5], 'read_uncommitted sees everything')
  const committed = (await log.readMany([{ topicId: TOPIC_ID, partition: 0, fetchOffset: 0, maxBytes: 1 << 20, isReadCommitted: true }], 1 << 20))[0]
  assert.ok(committed !== undefined && !(committed instanceof Error))
  assert.deepEqual(batchesOf(committed.chunks).map(entry => entry.baseOffset), [0], 'nothing at or after the last stable offset')
  assert.equal(committed.lastStableOffset, 2)
  assert.deepEqual(committed.abortedTransactions, [])

  const marker = await log.appendMarker({ clusterId: CLUSTER, topicId: TOPIC_ID, partition: 0 },
    { producerId: PRODUCER_ID, producerEpoch: 0, commit: false, timestamp: 2000 })
  assert.deepEqual(marker, { errorCode: 0, baseOffset: 6, logStartOffset: 0 })
  assert.deepEqual(await log.offsets(TOPIC_ID, 0), { logStartOffset: 0, highWatermark: 7, lastStableOffset: 7 })
  const [after] = await log.readMany([{ topicId: TOPIC_ID, partition: 0, fetchOffset: 0, maxBytes: 1 << 20, isReadCommitted: true }], 1 << 20)
  assert.ok(after !== undefined && !(after instanceof Error))
  assert.deepEqual(batchesOf(after.chunks), [
    { baseOffset: 0, isControl: false }, { baseOffset: 2, isControl: false }, { baseOffset: 5, isControl: false }, { baseOffset: 6, isControl: true }
  ])
  assert.deepEqual(after.abortedTransactions, [{ producerId: PRODUCER_ID, firstOffset: 2, lastOffset: 6 }])

  // A fresh engine over the same Catalog rebuilds the same transaction state.
  const reopened = open()
  t.after(() => reopened.close())
  const [again] = await reopened.readMany([{ topicId: TOPIC_ID, partition: 0, fetchOffset: 5, maxBytes: 1 << 20, isReadCommitted: true }], 1 << 20)
  assert.ok(again !== undefined && !(again instanceof Error))
  assert.equal(again.lastStableOffset, 7)
  assert.deepEqual(again.abortedTransactions, [{ producerId: PRODUCER_ID, firstOffset: 2, lastOffset: 6 }])
})

test('a fresh engine sees a transaction that is still open', async t => {
  const { log, open } = await setup(t)
  await append(log, batch(1, false))
  await append(log, batch(2, true, 0))
  const reopened = open()
  t.after(() => reopened.close())
  assert.deepEqual(await reopened.offsets(TOPIC_ID, 0), { logStartOffset: 0, highWatermark: 3, lastStableOffset: 1 })
  await reopened.appendMarker({ clusterId: CLUSTER, topicId: TOPIC_ID, partition: 0 },
    { producerId: PRODUCER_ID, producerEpoch: 0, commit: true, timestamp: 2000 })
  assert.deepEqual(await reopened.offsets(TOPIC_ID, 0), { logStartOffset: 0, highWatermark: 4, lastStableOffset: 4 })
  const [read] = await reopened.readMany([{ topicId: TOPIC_ID, partition: 0, fetchOffset: 0, maxBytes: 1 << 20, isReadCommitted: true }], 1 << 20)
  assert.ok(read !== undefined && !(read instanceof Error))
  assert.deepEqual(read.abortedTransactions, [], 'a commit marker aborts nothing')
})
