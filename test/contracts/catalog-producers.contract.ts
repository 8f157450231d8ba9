// The Catalog contract for idempotent producers: producer id allocation and KIP-360 epoch bumps,
// the sequence checks of commitAppends (duplicates within a commit and across commits, gaps,
// epochs, wrap-around), DescribeProducers' listing, and when producer state is dropped. Run by
// runCatalogContract on every backend.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import type { AppendResult, BatchAppend, Catalog, ProducerBatch, TopicRecord } from '../../src/storage/catalog.ts'
import { MAX_SEQUENCE } from '../../src/storage/producer-sequences.ts'
import { CLUSTER, OTHER_CLUSTER, batchAppend, offsetsOf, openWithTopic, opened } from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'

export interface ProducerFields {
  producerId: number
  producerEpoch?: number
  baseSequence: number
  offsetCount: number
  position?: number
  size?: number
  maxTimestamp?: number
}

/** A batch append of an idempotent producer; positions default apart so rows never merge by accident. */
export function producerAppend (topic: TopicRecord, partition: number, fields: ProducerFields): BatchAppend {
  return {
    ...batchAppend(topic, partition, {
      position: fields.position ?? 1000 * fields.baseSequence,
      size: fields.size ?? 10,
      offsetCount: fields.offsetCount,
      maxTimestamp: fields.maxTimestamp
    }),
    producerId: fields.producerId,
    producerEpoch: fields.producerEpoch ?? 0,
    baseSequence: fields.baseSequence
  }
}

export function appended (baseOffset: number, logStartOffset = 0): AppendResult {
  return { errorCode: 0, baseOffset, logStartOffset }
}

export function duplicateOf (baseOffset: number, logStartOffset = 0): AppendResult {
  return { errorCode: 0, baseOffset, logStartOffset, isDuplicate: true }
}

function errorCodes (results: AppendResult[]): number[] {
  return results.map(result => result.errorCode)
}

async function commitOne (catalog: Catalog, append: BatchAppend, objectKey = 'object'): Promise<AppendResult> {
  const [result] = await catalog.commitAppends(objectKey, [append])
  assert.ok(result !== undefined)
  return result
}

async function highWatermark (catalog: Catalog, topic: TopicRecord, partition = 0): Promise<number | undefined> {
  return (await catalog.getPartitionOffsets(topic.topicId, partition))?.highWatermark
}

async function batchesOf (catalog: Catalog, topic: TopicRecord, producerId: number, partition = 0): Promise<ProducerBatch[] | undefined> {
  return (await catalog.listPartitionProducers(topic.topicId, partition)).find(state => state.producerId === producerId)?.batches
}

export function runCatalogProducersContract (open: OpenCatalog): void {
  describe('producer ids', () => {
    it('allocates a new producer id at epoch 0 for each call, never the same twice, whatever the cluster', async t => {
      const catalog = await opened(open, t)
      const ids = new Set<number>()
      for (let index = 0; index < 10; index++) {
        const record = await catalog.allocateProducerId(index % 2 === 0 ? CLUSTER : OTHER_CLUSTER, 1_000 + index)
        assert.equal(record.producerEpoch, 0)
        assert.ok(record.producerId >= 0)
        ids.add(record.producerId)
      }
      assert.equal(ids.size, 10)
      const record = await catalog.allocateProducerId(CLUSTER, 5_000)
      assert.deepEqual(await catalog.getProducerId(CLUSTER, record.producerId), {
        clusterId: CLUSTER, producerId: record.producerId, producerEpoch: 0, lastProducerEpoch: -1, transactionalId: null, updatedAtMs: 5_000
      })
      assert.equal(await catalog.getProducerId(OTHER_CLUSTER, record.producerId), undefined, 'another cluster does not see it')
    })

    it('bumps the epoch the producer holds, answers a retried bump with the same epoch, and fences any other epoch', async t => {
      const catalog = await opened(open, t)
      const { producerId } = await catalog.allocateProducerId(CLUSTER, 1_000)
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId, 0, 2_000), { outcome: 'bumped', producerEpoch: 1 })
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId, 0, 2_500), { outcome: 'retried', producerEpoch: 1 },
        'the epoch before the bump is a retry whose answer was lost')
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId, 1, 3_000), { outcome: 'bumped', producerEpoch: 2 })
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId, 0, 3_500), { outcome: 'fenced', producerEpoch: 2 })
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId, 7, 3_500), { outcome: 'fenced', producerEpoch: 2 })
      assert.deepEqual(await catalog.getProducerId(CLUSTER, producerId), {
        clusterId: CLUSTER, producerId, producerEpoch: 2, lastProducerEpoch: 1, transactionalId: null, updatedAtMs: 3_000
      })
      assert.deepEqual(await catalog.bumpProducerEpoch(OTHER_CLUSTER, producerId, 2, 4_000), { outcome: 'unknown' })
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, producerId + 1000, 0, 4_000), { outcome: 'unknown' })
    })
  })

  describe('commitAppends with producer ids', () => {
    it('appends a producer\'s batches in sequence and lists its state for DescribeProducers', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 7, baseSequence: 0, offsetCount: 5, maxTimestamp: 111 })), appended(0))
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 7, baseSequence: 5, offsetCount: 3, maxTimestamp: 222 })), appended(5))
      assert.deepEqual(await catalog.listPartitionProducers(topic.topicId, 0), [{
        producerId: 7,
        producerEpoch: 0,
        batches: [
          { baseSequence: 0, lastSequence: 4, baseOffset: 0, lastOffset: 4 },
          { baseSequence: 5, lastSequence: 7, baseOffset: 5, lastOffset: 7 }
        ],
        lastTimestamp: 222,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: -1
      }])
      assert.deepEqual(await catalog.listPartitionProducers(topic.topicId, 1), [])
      assert.deepEqual(await catalog.listPartitionProducers(topic.topicId, 9), [])
    })

    it('answers a retry of one of the last five batches with its original offset and stores nothing for it', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      for (let index = 0; index < 6; index++) {
        const result = await commitOne(catalog, producerAppend(topic, 0, { producerId: 3, baseSequence: index * 2, offsetCount: 2 }), `object-${index}`)
        assert.deepEqual(result, appended(index * 2))
      }
      const rowsBefore = await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)
      const sizeBefore = await catalog.partitionSizeBytes(topic.topicId, 0)
      for (let index = 1; index < 6; index++) {
        const retry = producerAppend(topic, 0, { producerId: 3, baseSequence: index * 2, offsetCount: 2 })
        assert.deepEqual(await commitOne(catalog, retry, 'retries'), duplicateOf(index * 2), `retry of batch ${index}`)
      }
      assert.equal(await highWatermark(catalog, topic), 12)
      assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20), rowsBefore, 'no coordinate for a duplicate')
      assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), sizeBefore)
      assert.ok(!(await catalog.listReferencedObjectKeys()).has('retries'))

      const tooOld = await commitOne(catalog, producerAppend(topic, 0, { producerId: 3, baseSequence: 0, offsetCount: 2 }))
      assert.equal(tooOld.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'the sixth batch back is forgotten: out of order, not a duplicate')
      const partial = await commitOne(catalog, producerAppend(topic, 0, { producerId: 3, baseSequence: 10, offsetCount: 1 }))
      assert.equal(partial.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a duplicate matches base and last sequence both')
      assert.equal(await highWatermark(catalog, topic), 12)
      assert.equal((await batchesOf(catalog, topic, 3))?.length, 5)
    })

    it('checks several batches of one producer and partition in one commit in order, against each other', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const results = await catalog.commitAppends('object-1', [
        producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 3, position: 0 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 3, position: 10 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 3, offsetCount: 2, position: 20 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 3, offsetCount: 2, position: 30 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 9, offsetCount: 1, position: 40 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 5, offsetCount: 1, position: 50 }),
        producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 3, position: 60 })
      ])
      assert.deepEqual(results.slice(0, 4), [appended(0), duplicateOf(0), appended(3), duplicateOf(3)])
      assert.equal(results[4]?.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a gap after sequence 4')
      assert.deepEqual(results.slice(5), [appended(5), duplicateOf(0)])
      assert.equal(await highWatermark(catalog, topic), 6)
      // Rows cover only the stored bytes: the duplicates and the refused batch between them split the runs.
      assert.deepEqual((await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)).map(row => [row.baseOffset, row.lastOffset, row.position, row.size]), [
        [0, 2, 0, 10], [3, 4, 20, 10], [5, 5, 50, 10]
      ])
    })

    it('refuses a gap with OUT_OF_ORDER_SEQUENCE_NUMBER and accepts the expected sequence after it', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 2, baseSequence: 0, offsetCount: 4 })), appended(0))
      const gap = await commitOne(catalog, producerAppend(topic, 0, { producerId: 2, baseSequence: 5, offsetCount: 1 }))
      assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
      assert.ok('message' in gap && /5 \(incoming\), 4 \(expected\)/.test(gap.message), 'message' in gap ? gap.message : '')
      assert.equal(await highWatermark(catalog, topic), 4)
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 2, baseSequence: 4, offsetCount: 1 })), appended(4))
    })

    it('lets a producer the partition does not know start at any sequence, as Kafka 3.x does (KIP-360)', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 5, producerEpoch: 3, baseSequence: 42, offsetCount: 2 })), appended(0))
      assert.deepEqual(await batchesOf(catalog, topic, 5), [{ baseSequence: 42, lastSequence: 43, baseOffset: 0, lastOffset: 1 }])
      const next = await commitOne(catalog, producerAppend(topic, 0, { producerId: 5, producerEpoch: 3, baseSequence: 45, offsetCount: 1 }))
      assert.equal(next.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'once known, the sequence must follow on')
    })

    it('refuses an older epoch with INVALID_PRODUCER_EPOCH, even for a retry of a batch of that epoch', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 4, producerEpoch: 1, baseSequence: 0, offsetCount: 2 }))
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 4, producerEpoch: 2, baseSequence: 0, offsetCount: 1 })), appended(2))
      for (const baseSequence of [0, 1, 2]) {
        const stale = await commitOne(catalog, producerAppend(topic, 0, { producerId: 4, producerEpoch: 1, baseSequence, offsetCount: baseSequence === 0 ? 2 : 1 }))
        assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, `epoch 1 sequence ${baseSequence}`)
      }
      assert.equal(await highWatermark(catalog, topic), 3)
    })

    it('starts a new epoch at sequence 0 only, forgetting the batches of the old one', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 6, producerEpoch: 0, baseSequence: 0, offsetCount: 3 }))
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 6, producerEpoch: 0, baseSequence: 3, offsetCount: 3 }))
      const notZero = await commitOne(catalog, producerAppend(topic, 0, { producerId: 6, producerEpoch: 1, baseSequence: 6, offsetCount: 1 }))
      assert.equal(notZero.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a new epoch must start at 0')
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 6, producerEpoch: 1, baseSequence: 0, offsetCount: 3 })), appended(6),
        'sequence 0 of the new epoch is new data, not a duplicate of epoch 0\'s first batch')
      const [state] = await catalog.listPartitionProducers(topic.topicId, 0)
      assert.equal(state?.producerEpoch, 1)
      assert.deepEqual(state?.batches, [{ baseSequence: 0, lastSequence: 2, baseOffset: 6, lastOffset: 8 }])
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 6, producerEpoch: 1, baseSequence: 0, offsetCount: 3 })), duplicateOf(6))
    })

    it('wraps sequences from 2^31 - 1 to 0, as Kafka does', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const nearEnd = MAX_SEQUENCE - 1
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 8, baseSequence: nearEnd - 2, offsetCount: 2, position: 0 })), appended(0))
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 8, baseSequence: nearEnd, offsetCount: 3, position: 0 })), appended(2))
      assert.deepEqual((await batchesOf(catalog, topic, 8))?.at(-1), { baseSequence: nearEnd, lastSequence: 0, baseOffset: 2, lastOffset: 4 },
        'MAX - 1, MAX, 0')
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 8, baseSequence: nearEnd, offsetCount: 3, position: 0 })), duplicateOf(2))
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 8, baseSequence: 1, offsetCount: 1, position: 0 })), appended(5))

      const [ending] = await catalog.commitAppends('object-2', [
        producerAppend(topic, 1, { producerId: 8, baseSequence: MAX_SEQUENCE - 1, offsetCount: 2, position: 0 })
      ])
      assert.deepEqual(ending, appended(0))
      const [wrapped, skipped] = await catalog.commitAppends('object-3', [
        producerAppend(topic, 1, { producerId: 8, baseSequence: 0, offsetCount: 1, position: 0 }),
        producerAppend(topic, 1, { producerId: 8, baseSequence: 2, offsetCount: 1, position: 10 })
      ])
      assert.deepEqual(wrapped, appended(2), 'after a batch ending at 2^31 - 1 comes 0')
      assert.equal(skipped?.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    })

    it('keeps producers apart per partition and per producer id, and leaves batches without a producer id unchecked', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const results = await catalog.commitAppends('object-1', [
        producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 1, position: 0 }),
        producerAppend(topic, 1, { producerId: 1, baseSequence: 0, offsetCount: 1, position: 10 }),
        producerAppend(topic, 0, { producerId: 2, baseSequence: 0, offsetCount: 1, position: 20 }),
        batchAppend(topic, 0, { position: 30, size: 10, offsetCount: 1 }),
        batchAppend(topic, 0, { position: 40, size: 10, offsetCount: 1 }),
        producerAppend(topic, 1, { producerId: 1, baseSequence: 1, offsetCount: 1, position: 50 }),
        producerAppend(topic, 0, { producerId: 2, baseSequence: 0, offsetCount: 1, position: 60 })
      ])
      assert.deepEqual(results, [appended(0), appended(0), appended(1), appended(2), appended(3), appended(1), duplicateOf(1)])
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 0)).map(state => state.producerId), [1, 2])
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 1)).map(state => state.producerId), [1])
      assert.deepEqual((await batchesOf(catalog, topic, 1, 1))?.map(batch => batch.baseOffset), [0, 1])
    })

    it('refuses a producer id without a sequence or epoch with INVALID_RECORD, as Kafka\'s validator does', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const results = await catalog.commitAppends('object-1', [
        producerAppend(topic, 0, { producerId: 1, baseSequence: -1, offsetCount: 1 }),
        { ...producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 1 }), producerEpoch: -1 }
      ])
      assert.deepEqual(errorCodes(results), [ErrorCode.INVALID_RECORD, ErrorCode.INVALID_RECORD])
      assert.equal(await highWatermark(catalog, topic), 0)
      assert.deepEqual(await catalog.listPartitionProducers(topic.topicId, 0), [])
    })

    it('forgets producers when their topic is deleted', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 1 }))
      await catalog.deleteTopic(CLUSTER, topic.name)
      assert.deepEqual(await catalog.listPartitionProducers(topic.topicId, 0), [])
    })

    it('drops the state of producers whose batches all lie below a new log start offset', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 1, baseSequence: 0, offsetCount: 5, maxTimestamp: 100 }), 'a')
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 2, baseSequence: 0, offsetCount: 5, maxTimestamp: 200 }), 'b')
      await commitOne(catalog, producerAppend(topic, 0, { producerId: 3, baseSequence: 0, offsetCount: 5, maxTimestamp: 300 }), 'c')
      assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 5), 5)
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 0)).map(state => state.producerId), [2, 3])
      assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 9), 9)
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 0)).map(state => state.producerId), [2, 3], 'producer 2 still has offset 9')
      assert.equal(await catalog.expireBatches(topic.topicId, 0, { maxTimestampBefore: 250 }), 10)
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 0)).map(state => state.producerId), [3])
      assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)), [[10, 14]])
      assert.deepEqual(await commitOne(catalog, producerAppend(topic, 0, { producerId: 1, baseSequence: 5, offsetCount: 1 })), appended(15, 10),
        'a forgotten producer may go on at any sequence')
    })

    it('expires producer state and producer ids idle since before the cutoff', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const old = await catalog.allocateProducerId(CLUSTER, 1_000)
      const recent = await catalog.allocateProducerId(CLUSTER, 9_000)
      await commitOne(catalog, producerAppend(topic, 0, { producerId: old.producerId, baseSequence: 0, offsetCount: 1, maxTimestamp: 2_000 }))
      await commitOne(catalog, producerAppend(topic, 1, { producerId: old.producerId, baseSequence: 0, offsetCount: 1, maxTimestamp: 8_000 }))
      await commitOne(catalog, producerAppend(topic, 0, { producerId: recent.producerId, baseSequence: 0, offsetCount: 1, maxTimestamp: 9_500 }))
      assert.equal(await catalog.expireProducers(5_000), 2, 'the old id and its state on partition 0')
      assert.equal(await catalog.getProducerId(CLUSTER, old.producerId), undefined)
      assert.ok(await catalog.getProducerId(CLUSTER, recent.producerId) !== undefined)
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 0)).map(state => state.producerId), [recent.producerId])
      assert.deepEqual((await catalog.listPartitionProducers(topic.topicId, 1)).map(state => state.producerId), [old.producerId],
        'state still in use on another partition stays')
      assert.deepEqual(await catalog.bumpProducerEpoch(CLUSTER, old.producerId, 0, 10_000), { outcome: 'unknown' })
      assert.equal(await catalog.expireProducers(5_000), 0)
      const next = await catalog.allocateProducerId(CLUSTER, 10_000)
      assert.ok(next.producerId > recent.producerId, 'expired ids are not handed out again')
    })
  })
}
