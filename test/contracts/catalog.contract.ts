// The Catalog contract: one suite every Catalog backend runs (memory, sqlite, postgres), so that
// brokers and the log engine can rely on the same behavior whatever is behind the interface.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import {
  CLUSTER, OTHER_CLUSTER, batchAppend, commitRows, isKafkaError, offsetsOf, openWithTopic, opened, topicRecord
} from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'
import { runCatalogClustersContract } from './catalog-clusters.contract.ts'
import { runCatalogGroupsContract } from './catalog-groups.contract.ts'
import { runCatalogProducersContract } from './catalog-producers.contract.ts'
import { runCatalogTransactionsContract } from './catalog-transactions.contract.ts'
import { runCatalogIdentitiesContract } from './catalog-identities.contract.ts'

export type { OpenCatalog } from './catalog-fixtures.ts'
export { runCatalogReopenContract } from './catalog-reopen.contract.ts'

export function runCatalogContract (name: string, open: OpenCatalog): void {
  describe(`Catalog contract: ${name}`, () => {
    describe('clusters', () => {
      it('stores, gets and lists clusters', async t => {
        const catalog = await opened(open, t)
        await catalog.createCluster({ clusterId: CLUSTER, name: 'one', state: 'CREATING', createdAtMs: 1 })
        await catalog.createCluster({ clusterId: OTHER_CLUSTER, name: 'two', state: 'ACTIVE', createdAtMs: 2 })
        assert.deepEqual(await catalog.getCluster(CLUSTER), { clusterId: CLUSTER, name: 'one', state: 'CREATING', createdAtMs: 1 })
        assert.equal(await catalog.getCluster('missing'), undefined)
        assert.deepEqual((await catalog.listClusters()).map(cluster => cluster.clusterId).sort(), [CLUSTER, OTHER_CLUSTER])
      })
    })

    describe('topics', () => {
      it('creates a topic with its partitions at offsets 0/0, found by name and by id', async t => {
        const catalog = await opened(open, t)
        const topic = { ...topicRecord('orders', 2), configs: { 'retention.ms': '3600000' } }
        await catalog.createTopic(topic)
        assert.deepEqual(await catalog.getTopic(CLUSTER, 'orders'), topic)
        assert.deepEqual(await catalog.getTopicById(CLUSTER, topic.topicId), topic)
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 0, highWatermark: 0 })
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 1), { logStartOffset: 0, highWatermark: 0 })
        assert.equal(await catalog.getPartitionOffsets(topic.topicId, 2), undefined)
        assert.equal(await catalog.getTopic(CLUSTER, 'missing'), undefined)
        assert.equal(await catalog.getTopicById(CLUSTER, randomUUID()), undefined)
      })

      it('refuses a second topic of the same name with TOPIC_ALREADY_EXISTS', async t => {
        const { catalog } = await openWithTopic(open, t)
        await assert.rejects(catalog.createTopic(topicRecord('events', 1)), isKafkaError(ErrorCode.TOPIC_ALREADY_EXISTS))
      })

      it('lists the topics of a cluster', async t => {
        const catalog = await opened(open, t)
        await catalog.createTopic(topicRecord('b', 1))
        await catalog.createTopic(topicRecord('a', 2))
        assert.deepEqual((await catalog.listTopics(CLUSTER)).map(topic => topic.name).sort(), ['a', 'b'])
        assert.deepEqual(await catalog.listTopics('no-such-cluster'), [])
      })

      it('returns copies: changing a returned record changes nothing stored', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        const got = await catalog.getTopic(CLUSTER, 'events')
        assert.ok(got !== undefined)
        got.configs['cleanup.policy'] = 'compact'
        got.partitionCount = 99
        assert.deepEqual(await catalog.getTopic(CLUSTER, 'events'), topic)
      })

      it('deletes a topic with its partitions and coordinates; the name can be reused with a new id', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await catalog.commitAppends('object-1', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 5 })])
        assert.deepEqual(await catalog.deleteTopic(CLUSTER, 'events'), topic)
        assert.equal(await catalog.getTopic(CLUSTER, 'events'), undefined)
        assert.equal(await catalog.getTopicById(CLUSTER, topic.topicId), undefined)
        assert.equal(await catalog.getPartitionOffsets(topic.topicId, 0), undefined)
        assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20), [])
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 0)
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set())
        assert.equal(await catalog.deleteTopic(CLUSTER, 'events'), undefined)

        const again = topicRecord('events', 1)
        await catalog.createTopic(again)
        assert.notEqual(again.topicId, topic.topicId)
        assert.equal((await catalog.getTopic(CLUSTER, 'events'))?.topicId, again.topicId)
        assert.deepEqual(await catalog.getPartitionOffsets(again.topicId, 0), { logStartOffset: 0, highWatermark: 0 })
        const [result] = await catalog.commitAppends('object-2', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 })])
        assert.equal(result?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'the old topic id stays gone')
      })

      it('adds partitions that start at 0/0 and keeps the existing ones', async t => {
        const { catalog, topic } = await openWithTopic(open, t, 2)
        await catalog.commitAppends('object-1', [batchAppend(topic, 1, { position: 0, size: 10, offsetCount: 4 })])
        await catalog.setPartitionCount(CLUSTER, 'events', 5)
        assert.equal((await catalog.getTopic(CLUSTER, 'events'))?.partitionCount, 5)
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 1), { logStartOffset: 0, highWatermark: 4 })
        for (const partition of [2, 3, 4]) {
          assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, partition), { logStartOffset: 0, highWatermark: 0 })
        }
        const [result] = await catalog.commitAppends('object-2', [batchAppend(topic, 4, { position: 0, size: 10, offsetCount: 1 })])
        assert.deepEqual(result, { errorCode: 0, baseOffset: 0, logStartOffset: 0 })
      })

      it('refuses to keep or lower the partition count with INVALID_PARTITIONS', async t => {
        const { catalog } = await openWithTopic(open, t, 3)
        await assert.rejects(catalog.setPartitionCount(CLUSTER, 'events', 3), isKafkaError(ErrorCode.INVALID_PARTITIONS))
        await assert.rejects(catalog.setPartitionCount(CLUSTER, 'events', 1), isKafkaError(ErrorCode.INVALID_PARTITIONS))
        assert.equal((await catalog.getTopic(CLUSTER, 'events'))?.partitionCount, 3)
        await assert.rejects(catalog.setPartitionCount(CLUSTER, 'missing', 4), isKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      })

      it('replaces the configs set on a topic', async t => {
        const catalog = await opened(open, t)
        await catalog.createTopic({ ...topicRecord('events', 1), configs: { 'retention.ms': '1000', 'cleanup.policy': 'delete' } })
        await catalog.setTopicConfigs(CLUSTER, 'events', { 'retention.bytes': '2048' })
        assert.deepEqual((await catalog.getTopic(CLUSTER, 'events'))?.configs, { 'retention.bytes': '2048' })
        await catalog.setTopicConfigs(CLUSTER, 'events', {})
        assert.deepEqual((await catalog.getTopic(CLUSTER, 'events'))?.configs, {})
        await assert.rejects(catalog.setTopicConfigs(CLUSTER, 'missing', {}), isKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      })

      it('keeps the same topic name in two clusters apart', async t => {
        const catalog = await opened(open, t)
        const first = topicRecord('shared', 1, CLUSTER)
        const second = topicRecord('shared', 2, OTHER_CLUSTER)
        await catalog.createTopic(first)
        await catalog.createTopic(second)
        assert.equal((await catalog.getTopic(OTHER_CLUSTER, 'shared'))?.partitionCount, 2)
        assert.equal(await catalog.getTopicById(OTHER_CLUSTER, first.topicId), undefined)
        assert.deepEqual((await catalog.listTopics(CLUSTER)).map(topic => topic.topicId), [first.topicId])

        const misaddressed = { ...batchAppend(first, 0, { position: 0, size: 10, offsetCount: 1 }), clusterId: OTHER_CLUSTER }
        const [wrongCluster, rightCluster] = await catalog.commitAppends('object-1', [
          misaddressed,
          batchAppend(second, 0, { position: 10, size: 10, offsetCount: 1 })
        ])
        assert.equal(wrongCluster?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        assert.equal(rightCluster?.errorCode, 0)

        await catalog.deleteTopic(CLUSTER, 'shared')
        assert.equal(await catalog.getTopic(CLUSTER, 'shared'), undefined)
        assert.deepEqual(await catalog.getTopic(OTHER_CLUSTER, 'shared'), second)
        assert.deepEqual(await catalog.getPartitionOffsets(second.topicId, 0), { logStartOffset: 0, highWatermark: 1 })
      })
    })

    describe('commitAppends', () => {
      it('assigns offsets contiguously from the high watermark, across commits', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        const first = await catalog.commitAppends('object-1', [
          batchAppend(topic, 0, { position: 0, size: 100, offsetCount: 5 }),
          batchAppend(topic, 0, { position: 200, size: 100, offsetCount: 3 })
        ])
        assert.deepEqual(first, [
          { errorCode: 0, baseOffset: 0, logStartOffset: 0 },
          { errorCode: 0, baseOffset: 5, logStartOffset: 0 }
        ])
        const second = await catalog.commitAppends('object-2', [batchAppend(topic, 0, { position: 0, size: 50, offsetCount: 1 })])
        assert.deepEqual(second, [{ errorCode: 0, baseOffset: 8, logStartOffset: 0 }])
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 0, highWatermark: 9 })
        assert.deepEqual(await catalog.commitAppends('object-3', []), [])
      })

      it('answers in the order of the appends, several partitions in one commit', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 2, [[10, 10, 0]])
        const results = await catalog.commitAppends('object-1', [
          batchAppend(topic, 2, { position: 0, size: 10, offsetCount: 2 }),
          batchAppend(topic, 0, { position: 10, size: 10, offsetCount: 3 }),
          batchAppend(topic, 1, { position: 20, size: 10, offsetCount: 1 }),
          batchAppend(topic, 0, { position: 40, size: 10, offsetCount: 1 })
        ])
        assert.deepEqual(results.map(result => ('baseOffset' in result ? result.baseOffset : -1)), [10, 0, 0, 3])
        assert.equal((await catalog.getPartitionOffsets(topic.topicId, 0))?.highWatermark, 4)
        assert.equal((await catalog.getPartitionOffsets(topic.topicId, 1))?.highWatermark, 1)
        assert.equal((await catalog.getPartitionOffsets(topic.topicId, 2))?.highWatermark, 12)
      })

      it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing partition or topic while the others succeed', async t => {
        const { catalog, topic } = await openWithTopic(open, t, 2)
        const missingTopic = topicRecord('never-created', 1)
        const results = await catalog.commitAppends('object-1', [
          batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 }),
          batchAppend(topic, 7, { position: 10, size: 10, offsetCount: 1 }),
          batchAppend(missingTopic, 0, { position: 20, size: 10, offsetCount: 1 }),
          batchAppend(topic, 1, { position: 30, size: 10, offsetCount: 1 })
        ])
        assert.equal(results.length, 4)
        assert.deepEqual(results[0], { errorCode: 0, baseOffset: 0, logStartOffset: 0 })
        assert.equal(results[1]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        assert.equal(results[2]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        assert.deepEqual(results[3], { errorCode: 0, baseOffset: 0, logStartOffset: 0 })
        assert.equal(await catalog.getPartitionOffsets(missingTopic.topicId, 0), undefined)
      })

      it('merges batches of one partition that are adjacent in the object into one coordinate row', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await catalog.commitAppends('object-1', [
          batchAppend(topic, 0, { position: 0, size: 100, offsetCount: 2, maxTimestamp: 50 }),
          batchAppend(topic, 0, { position: 100, size: 60, offsetCount: 3, maxTimestamp: 70 }),
          batchAppend(topic, 0, { position: 160, size: 40, offsetCount: 1, maxTimestamp: 60 }),
          batchAppend(topic, 1, { position: 200, size: 10, offsetCount: 1 }),
          batchAppend(topic, 0, { position: 300, size: 30, offsetCount: 4, maxTimestamp: 10 })
        ])
        assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20), [
          { baseOffset: 0, lastOffset: 5, objectKey: 'object-1', position: 0, size: 200, maxTimestamp: 70 },
          { baseOffset: 6, lastOffset: 9, objectKey: 'object-1', position: 300, size: 30, maxTimestamp: 10 }
        ])
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 230)
      })

      it('does not merge batches of different commits', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await catalog.commitAppends('object-1', [batchAppend(topic, 0, { position: 0, size: 100, offsetCount: 2 })])
        await catalog.commitAppends('object-1', [batchAppend(topic, 0, { position: 100, size: 100, offsetCount: 2 })])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)), [[0, 1], [2, 3]])
      })

      it('answers with the current logStartOffset', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 10, 0]])
        await catalog.advanceLogStartOffset(topic.topicId, 0, 4)
        const [result] = await catalog.commitAppends('object-9', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 })])
        assert.deepEqual(result, { errorCode: 0, baseOffset: 10, logStartOffset: 4 })
      })
    })

    describe('finding batches', () => {
      it('returns the row holding an offset, then the following rows', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 0], [10, 100, 0], [10, 100, 0]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 15, 1 << 20)), [[10, 19], [20, 29]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 19, 1 << 20)), [[10, 19], [20, 29]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 20, 1 << 20)), [[20, 29]])
        const [row] = await catalog.findBatches(topic.topicId, 0, 12, 1)
        assert.deepEqual(row, { baseOffset: 10, lastOffset: 19, objectKey: 'key-1', position: 1000, size: 100, maxTimestamp: 0 })
      })

      it('stops before maxBytes but returns at least one row', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[1, 100, 0], [1, 100, 0], [1, 100, 0], [1, 100, 0]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 250)), [[0, 0], [1, 1]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 300)), [[0, 0], [1, 1], [2, 2]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 1, 50)), [[1, 1]])
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 1, 0)), [[1, 1]])
      })

      it('returns nothing at or after the high watermark, or for an unknown partition', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 0]])
        assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 10, 1 << 20), [])
        assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 500, 1 << 20), [])
        assert.deepEqual(await catalog.findBatches(topic.topicId, 1, 0, 1 << 20), [])
        assert.deepEqual(await catalog.findBatches(topic.topicId, 9, 0, 1 << 20), [])
      })

      it('finds the first row whose maxTimestamp reaches a timestamp', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[1, 10, 100], [1, 10, 300], [1, 10, 200], [1, 10, 400]])
        const baseOffsetAt = async (timestamp: number) =>
          (await catalog.findBatchByTimestamp(topic.topicId, 0, timestamp))?.baseOffset
        assert.equal(await baseOffsetAt(0), 0)
        assert.equal(await baseOffsetAt(100), 0)
        assert.equal(await baseOffsetAt(150), 1)
        assert.equal(await baseOffsetAt(250), 1)
        assert.equal(await baseOffsetAt(350), 3)
        assert.equal(await baseOffsetAt(401), undefined)
        assert.deepEqual(await catalog.findBatchByTimestamp(topic.topicId, 0, 300), {
          baseOffset: 1, lastOffset: 1, objectKey: 'key-1', position: 1000, size: 10, maxTimestamp: 300
        })
        assert.equal(await catalog.findBatchByTimestamp(topic.topicId, 1, 0), undefined)
      })

      it('finds the row with the largest maxTimestamp, the earliest on ties', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        assert.equal(await catalog.findMaxTimestampBatch(topic.topicId, 0), undefined)
        await commitRows(catalog, topic, 0, [[2, 10, 100], [2, 10, 500], [2, 10, 200], [2, 10, 500]])
        assert.deepEqual(await catalog.findMaxTimestampBatch(topic.topicId, 0), {
          baseOffset: 2, lastOffset: 3, objectKey: 'key-1', position: 1000, size: 10, maxTimestamp: 500
        })
      })
    })

    describe('advanceLogStartOffset', () => {
      it('drops rows wholly below the new start and keeps the row that straddles it', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 0], [10, 200, 0], [10, 300, 0]])
        assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 15), 15)
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 15, highWatermark: 30 })
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)), [[10, 19], [20, 29]])
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 500)
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set(['key-1', 'key-2']))
      })

      it('never moves the start down', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 0]])
        assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 6), 6)
        assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 2), 6)
        assert.equal((await catalog.getPartitionOffsets(topic.topicId, 0))?.logStartOffset, 6)
      })

      it('refuses an offset above the high watermark with OFFSET_OUT_OF_RANGE; the high watermark itself empties the log', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 0], [10, 100, 0]])
        await assert.rejects(catalog.advanceLogStartOffset(topic.topicId, 0, 21), isKafkaError(ErrorCode.OFFSET_OUT_OF_RANGE))
        assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 20), 20)
        assert.deepEqual(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20), [])
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 0)
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 20, highWatermark: 20 })
      })

      it('refuses an unknown partition with UNKNOWN_TOPIC_OR_PARTITION', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await assert.rejects(catalog.advanceLogStartOffset(topic.topicId, 5, 0), isKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        await assert.rejects(catalog.advanceLogStartOffset(randomUUID(), 0, 0), isKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      })
    })

    describe('expireBatches', () => {
      it('drops leading rows older than the cutoff, and only leading ones', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[5, 10, 100], [5, 10, 200], [5, 10, 900], [5, 10, 150]])
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { maxTimestampBefore: 500 }), 10)
        assert.deepEqual(offsetsOf(await catalog.findBatches(topic.topicId, 0, 0, 1 << 20)), [[10, 14], [15, 19]])
        assert.equal((await catalog.getPartitionOffsets(topic.topicId, 0))?.logStartOffset, 10)
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 20)
      })

      it('drops leading rows only while at least retainBytes remain, as Kafka keeps retention.bytes', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[1, 100, 0], [1, 100, 0], [1, 100, 0], [1, 100, 0]])
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { retainBytes: 250 }), 1)
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 300)
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { retainBytes: 200 }), 2)
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 200)
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set(['key-2', 'key-3']))
      })

      it('may drop the last row, leaving logStartOffset at the high watermark', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[3, 100, 10], [4, 100, 20]])
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { maxTimestampBefore: 1000 }), 7)
        assert.deepEqual(await catalog.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 7, highWatermark: 7 })
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 0)
        const [result] = await catalog.commitAppends('object-9', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 })])
        assert.deepEqual(result, { errorCode: 0, baseOffset: 7, logStartOffset: 7 })
      })

      it('changes nothing without options, and never moves the start down', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[10, 100, 10], [10, 100, 20]])
        assert.equal(await catalog.expireBatches(topic.topicId, 0, {}), 0)
        assert.equal(await catalog.advanceLogStartOffset(topic.topicId, 0, 15), 15)
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { maxTimestampBefore: 15 }), 15)
        assert.equal(await catalog.expireBatches(topic.topicId, 0, { maxTimestampBefore: 25 }), 20)
        await assert.rejects(catalog.expireBatches(topic.topicId, 9, {}), isKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      })
    })

    describe('sizes and objects', () => {
      it('sums the bytes of live coordinates per partition', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        await commitRows(catalog, topic, 0, [[1, 100, 0], [1, 250, 0]])
        await commitRows(catalog, topic, 1, [[1, 7, 0]])
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 0), 350)
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 1), 7)
        assert.equal(await catalog.partitionSizeBytes(topic.topicId, 2), 0)
        assert.equal(await catalog.partitionSizeBytes(randomUUID(), 0), 0)
      })

      it('lists every object key that a live coordinate points into', async t => {
        const { catalog, topic } = await openWithTopic(open, t)
        const other = topicRecord('other', 1, OTHER_CLUSTER)
        await catalog.createTopic(other)
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set())
        await catalog.commitAppends('a', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 })])
        await catalog.commitAppends('b', [
          batchAppend(topic, 1, { position: 0, size: 10, offsetCount: 1 }),
          batchAppend(other, 0, { position: 10, size: 10, offsetCount: 1 })
        ])
        await catalog.commitAppends('c', [batchAppend(other, 0, { position: 0, size: 10, offsetCount: 1 })])
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set(['a', 'b', 'c']))
        await catalog.deleteTopic(OTHER_CLUSTER, 'other')
        assert.deepEqual(await catalog.listReferencedObjectKeys(), new Set(['a', 'b']))
      })
    })

    describe('nodes', () => {
      it('allocates increasing node ids for nodeId -1', async t => {
        const catalog = await opened(open, t)
        const first = await catalog.registerNode({ nodeId: -1, host: 'a', port: 9092, rack: null, leaseExpiresAtMs: 10_000 })
        const second = await catalog.registerNode({ nodeId: -1, host: 'b', port: 9092, rack: 'r1', leaseExpiresAtMs: 10_000 })
        assert.ok(first >= 0)
        assert.ok(second > first)
        assert.deepEqual(await catalog.listLiveNodes(5_000), [
          { nodeId: first, host: 'a', port: 9092, rack: null, leaseExpiresAtMs: 10_000 },
          { nodeId: second, host: 'b', port: 9092, rack: 'r1', leaseExpiresAtMs: 10_000 }
        ])
        const explicit = await catalog.registerNode({ nodeId: second + 10, host: 'c', port: 1, rack: null, leaseExpiresAtMs: 10_000 })
        assert.equal(explicit, second + 10)
        const next = await catalog.registerNode({ nodeId: -1, host: 'd', port: 1, rack: null, leaseExpiresAtMs: 10_000 })
        assert.ok(next > explicit)
      })

      it('renews a lease on re-registration and lists only nodes whose lease has not expired', async t => {
        const catalog = await opened(open, t)
        const first = await catalog.registerNode({ nodeId: -1, host: 'a', port: 9092, rack: null, leaseExpiresAtMs: 1_000 })
        const second = await catalog.registerNode({ nodeId: -1, host: 'b', port: 9092, rack: null, leaseExpiresAtMs: 2_000 })
        assert.deepEqual((await catalog.listLiveNodes(1_500)).map(node => node.nodeId), [second])
        assert.equal(await catalog.registerNode({ nodeId: first, host: 'a2', port: 9093, rack: 'r', leaseExpiresAtMs: 3_000 }), first)
        assert.deepEqual(await catalog.listLiveNodes(2_500), [
          { nodeId: first, host: 'a2', port: 9093, rack: 'r', leaseExpiresAtMs: 3_000 }
        ])
        assert.deepEqual(await catalog.listLiveNodes(3_000), [])
      })
    })

    runCatalogClustersContract(open)
    runCatalogGroupsContract(open)
    runCatalogProducersContract(open)
    runCatalogTransactionsContract(open)
    runCatalogIdentitiesContract(open)
  })
}
