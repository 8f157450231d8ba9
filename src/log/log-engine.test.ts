import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { openFsObjectStore } from '../storage/fs/fs-object-store.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { buildRecordBatch } from '../protocol/records/record-batch-builder.ts'
import { readBatchHeader } from '../protocol/records/record-batch.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import { LogEngine, type LogEngineOptions } from './log-engine.ts'

const CLUSTER = 'c1'

async function setup (t: { after: (fn: () => Promise<void>) => void }, options: Partial<LogEngineOptions> = {}, wrapStore?: (store: ObjectStore) => ObjectStore) {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-log-'))
  const catalog = new MemoryCatalog()
  const fsStore = await openFsObjectStore(dir)
  const objectStore = wrapStore === undefined ? fsStore : wrapStore(fsStore)
  await catalog.createCluster({ clusterId: CLUSTER, name: 'one', state: 'ACTIVE', createdAtMs: 0 })
  const topicId = '11111111-2222-3333-4444-555555555555'
  await catalog.createTopic({ clusterId: CLUSTER, topicId, name: 'events', partitionCount: 3, configs: {}, createdAtMs: 0 })
  const flushErrors: unknown[] = []
  const log = new LogEngine({
    catalog,
    objectStore,
    flushBytes: 1024 * 1024,
    flushMs: 0,
    maxPendingBytes: 16 * 1024 * 1024,
    tailCacheBytes: 1024 * 1024,
    onFlushError: error => flushErrors.push(error),
    ...options
  })
  t.after(async () => {
    await log.close()
    await fsStore.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { log, catalog, topicId, flushErrors }
}

function batchOf (count: number, tag: string, baseTimestamp = 1000): Buffer {
  return buildRecordBatch({
    baseTimestamp,
    records: Array.from({ length: count }, (_, index) => ({ value: Buffer.from(`${tag}-${index}`), timestampDelta: index }))
  })
}

function append (log: LogEngine, topicId: string, partition: number, batch: Buffer) {
  return log.append({ clusterId: CLUSTER, topicId, partition }, batch, readBatchHeader(batch))
}

function baseOffsetsOf (chunks: Buffer[]): number[] {
  const offsets: number[] = []
  for (const chunk of chunks) {
    let position = 0
    while (position < chunk.length) {
      offsets.push(Number(chunk.readBigInt64BE(position)))
      position += chunk.readInt32BE(position + 8) + 12
    }
  }
  return offsets
}

for (const cacheBytes of [1024 * 1024, 0]) {
  const source = cacheBytes === 0 ? 'the object store' : 'the in-memory tail'
  test(`appends get contiguous offsets per partition and read back patched from ${source}`, async t => {
    const { log, topicId } = await setup(t, { tailCacheBytes: cacheBytes })
    const results = await Promise.all([
      append(log, topicId, 0, batchOf(3, 'a')),
      append(log, topicId, 1, batchOf(2, 'b')),
      append(log, topicId, 0, batchOf(4, 'c'))
    ])
    assert.deepEqual(results.map(result => 'baseOffset' in result ? result.baseOffset : -1), [0, 0, 3])
    assert.deepEqual(await log.offsets(topicId, 0), { logStartOffset: 0, highWatermark: 7, lastStableOffset: 7 })
    const read = await log.read(topicId, 0, 0, 1024 * 1024)
    assert.deepEqual(baseOffsetsOf(read.chunks), [0, 3])
    assert.equal(read.highWatermark, 7)
    const fromMiddle = await log.read(topicId, 0, 4, 1024 * 1024)
    assert.deepEqual(baseOffsetsOf(fromMiddle.chunks), [3])
    const atEnd = await log.read(topicId, 0, 7, 1024 * 1024)
    assert.equal(atEnd.bytes, 0)
    await assert.rejects(log.read(topicId, 0, 8, 1024), (error: unknown) =>
      error instanceof KafkaError && error.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE)
  })
}

test('reading a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION', async t => {
  const { log, topicId } = await setup(t)
  await assert.rejects(log.read(topicId, 9, 0, 1024), (error: unknown) =>
    error instanceof KafkaError && error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
})

test('an append to a partition missing from the catalog fails alone', async t => {
  const { log, topicId } = await setup(t)
  const [good, bad] = await Promise.all([append(log, topicId, 0, batchOf(1, 'x')), append(log, topicId, 7, batchOf(1, 'y'))])
  assert.equal(good.errorCode, 0)
  assert.equal(bad.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
})

test('waitForData wakes a waiting reader when a commit lands, and returns at once for a commit it missed', async t => {
  const { log, topicId } = await setup(t)
  const since = log.commitSequence
  const started = Date.now()
  const waiting = log.waitForData([{ topicId, partition: 2 }], 10_000, since)
  await append(log, topicId, 2, batchOf(1, 'w'))
  await waiting
  assert.ok(Date.now() - started < 5000)
  await log.waitForData([{ topicId, partition: 2 }], 10_000, since)
})

test('deleteRecordsBefore moves the log start offset and reads below it are out of range', async t => {
  const { log, topicId } = await setup(t)
  await append(log, topicId, 0, batchOf(5, 'a'))
  await append(log, topicId, 0, batchOf(5, 'b'))
  assert.equal(await log.deleteRecordsBefore(topicId, 0, 6), 6)
  assert.deepEqual(await log.offsets(topicId, 0), { logStartOffset: 6, highWatermark: 10, lastStableOffset: 10 })
  await assert.rejects(log.read(topicId, 0, 2, 1024), (error: unknown) =>
    error instanceof KafkaError && error.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE)
  const read = await log.read(topicId, 0, 6, 1024 * 1024)
  assert.deepEqual(baseOffsetsOf(read.chunks), [5])
})

test('a failed flush rejects every append in it and commits nothing', async t => {
  let failing = true
  const { log, topicId, flushErrors } = await setup(t, {}, store => ({
    append: async chunks => {
      if (failing) throw new Error('disk on fire')
      return await store.append(chunks)
    },
    read: (key, position, length) => store.read(key, position, length),
    listKeys: () => store.listKeys(),
    delete: key => store.delete(key),
    close: () => store.close()
  }))
  const attempts = [append(log, topicId, 0, batchOf(1, 'a')), append(log, topicId, 1, batchOf(1, 'b'))]
  for (const attempt of attempts) await assert.rejects(attempt, /disk on fire/)
  assert.ok(flushErrors.length >= 1)
  assert.deepEqual(await log.offsets(topicId, 0), { logStartOffset: 0, highWatermark: 0, lastStableOffset: 0 })
  failing = false
  const result = await append(log, topicId, 0, batchOf(1, 'c'))
  assert.equal('baseOffset' in result && result.baseOffset, 0)
})

test('the flush buffer reports full beyond maxPendingBytes and frees up after the flush', async t => {
  const { log, topicId } = await setup(t, { maxPendingBytes: 1000 })
  const big = batchOf(200, 'big')
  assert.ok(big.length > 1000)
  const pending = append(log, topicId, 0, big)
  assert.equal(log.flushBuffer.isFull, true)
  await pending
  assert.equal(log.flushBuffer.isFull, false)
  await log.flushBuffer.waitForSpace()
})

test('batches appended in order keep that order in the log across pipelined flushes', async t => {
  const { log, topicId } = await setup(t, { flushBytes: 200 })
  const appends = []
  for (let index = 0; index < 60; index++) {
    appends.push(append(log, topicId, index % 2, batchOf(2, `o${index}`)))
    if (index % 7 === 0) await new Promise(resolve => setImmediate(resolve))
  }
  const results = await Promise.all(appends)
  for (const partition of [0, 1]) {
    const offsets = results.filter((_, index) => index % 2 === partition).map(result => 'baseOffset' in result ? result.baseOffset : -1)
    assert.deepEqual(offsets, offsets.map((_, index) => index * 2))
  }
})

for (const cacheBytes of [1024 * 1024, 0]) {
  const source = cacheBytes === 0 ? 'the object store' : 'the in-memory tail'
  test(`an idempotent producer's retried batch gets its original offset and is read back once, from ${source}`, async t => {
    const { log, topicId } = await setup(t, { tailCacheBytes: cacheBytes })
    const idempotent = (sequence: number, tag: string): Buffer => buildRecordBatch({
      producerId: 77, producerEpoch: 0, baseSequence: sequence, baseTimestamp: 1000, records: [{ value: Buffer.from(`${tag}-0`) }, { value: Buffer.from(`${tag}-1`) }]
    })
    const first = await append(log, topicId, 0, idempotent(0, 'a'))
    // The retry queued in the same flush as the next batch, and again on its own.
    const [retry, second] = await Promise.all([append(log, topicId, 0, idempotent(0, 'a')), append(log, topicId, 0, idempotent(2, 'b'))])
    const late = await append(log, topicId, 0, idempotent(0, 'a'))
    assert.deepEqual([first, retry, second, late], [
      { errorCode: 0, baseOffset: 0, logStartOffset: 0 },
      { errorCode: 0, baseOffset: 0, logStartOffset: 0, isDuplicate: true },
      { errorCode: 0, baseOffset: 2, logStartOffset: 0 },
      { errorCode: 0, baseOffset: 0, logStartOffset: 0, isDuplicate: true }
    ])
    assert.deepEqual(await log.offsets(topicId, 0), { logStartOffset: 0, highWatermark: 4, lastStableOffset: 4 })
    const read = await log.read(topicId, 0, 0, 1024 * 1024)
    assert.deepEqual(baseOffsetsOf(read.chunks), [0, 2])
    const values = read.chunks.map(chunk => chunk.toString('latin1'))
    assert.equal(values.join('').split('a-0').length - 1, 1, 'the first batch is stored once')
  })
}

test('readMany reads neighbouring rows of several partitions with one object read and honours the total budget', async t => {
  let reads = 0
  const { log, topicId } = await setup(t, { tailCacheBytes: 0 }, store => ({
    append: chunks => store.append(chunks),
    read: async (key, position, length) => {
      reads++
      return await store.read(key, position, length)
    },
    listKeys: () => store.listKeys(),
    delete: key => store.delete(key),
    close: () => store.close()
  }))
  for (let round = 0; round < 3; round++) {
    await Promise.all([0, 1, 2].map(partition => append(log, topicId, partition, batchOf(2, `r${round}p${partition}`))))
  }
  reads = 0
  const requests = [0, 1, 2].map(partition => ({ topicId, partition, fetchOffset: 0, maxBytes: 1024 * 1024 }))
  const outcomes = await log.readMany(requests, 1024 * 1024)
  for (const outcome of outcomes) {
    assert.ok(!(outcome instanceof KafkaError))
    assert.deepEqual(baseOffsetsOf(outcome.chunks), [0, 2, 4])
  }
  assert.equal(reads, 1, 'nine rows side by side in one segment come back from one read')

  const batchBytes = batchOf(2, 'r0p0').length
  const limited = await log.readMany(requests, batchBytes * 4)
  const counts = limited.map(outcome => outcome instanceof KafkaError ? -1 : baseOffsetsOf(outcome.chunks).length)
  assert.deepEqual(counts, [3, 1, 0], 'the first partitions fill the budget in request order')
})
