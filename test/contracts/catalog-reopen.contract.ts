// The Catalog contract for persistent backends (sqlite, postgres): closing, reopening and
// sharing one store between connections lose nothing.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import type { Catalog } from '../../src/storage/catalog.ts'
import { CLUSTER, OTHER_CLUSTER, batchAppend, topicRecord } from './catalog-fixtures.ts'
import { managedCluster } from './catalog-clusters.contract.ts'
import { committed, groupRecord } from './catalog-groups.contract.ts'
import { appended, duplicateOf, producerAppend } from './catalog-producers.contract.ts'
import { runIdentityReopenContract } from './catalog-identities.contract.ts'

/**
 * For persistent catalogs: `location(t)` picks a fresh store and returns a function that opens
 * it (again and again), to show that closing, reopening and sharing lose nothing.
 */
export function runCatalogReopenContract (name: string, location: (t: TestContext) => Promise<() => Promise<Catalog>>): void {
  describe(`Catalog contract, persistence: ${name}`, () => {
    it('keeps clusters, topics, offsets, coordinates and nodes across close and reopen', async t => {
      const open = await location(t)
      const first = await open()
      const topic = { ...topicRecord('events', 2), configs: { 'retention.ms': '60000' } }
      await first.createCluster({ clusterId: CLUSTER, name: 'one', state: 'ACTIVE', createdAtMs: 5 })
      await first.createTopic(topic)
      await first.setPartitionCount(CLUSTER, 'events', 3)
      await first.commitAppends('object-1', [
        batchAppend(topic, 0, { position: 0, size: 100, offsetCount: 10, maxTimestamp: 7 }),
        batchAppend(topic, 2, { position: 100, size: 50, offsetCount: 2, maxTimestamp: 9 })
      ])
      await first.advanceLogStartOffset(topic.topicId, 0, 3)
      const nodeId = await first.registerNode({ nodeId: -1, host: 'h', port: 9092, rack: null, leaseExpiresAtMs: 100 })
      const coordinates = await first.findBatches(topic.topicId, 0, 0, 1 << 20)
      await first.close()

      const second = await open()
      t.after(() => second.close())
      assert.deepEqual(await second.getCluster(CLUSTER), { clusterId: CLUSTER, name: 'one', state: 'ACTIVE', createdAtMs: 5 })
      assert.deepEqual(await second.getTopic(CLUSTER, 'events'), { ...topic, partitionCount: 3 })
      assert.deepEqual(await second.getPartitionOffsets(topic.topicId, 0), { logStartOffset: 3, highWatermark: 10 })
      assert.deepEqual(await second.getPartitionOffsets(topic.topicId, 2), { logStartOffset: 0, highWatermark: 2 })
      assert.deepEqual(await second.findBatches(topic.topicId, 0, 0, 1 << 20), coordinates)
      assert.equal(await second.partitionSizeBytes(topic.topicId, 2), 50)
      assert.deepEqual(await second.listReferencedObjectKeys(), new Set(['object-1']))
      assert.deepEqual((await second.listLiveNodes(0)).map(node => node.nodeId), [nodeId])
      const [result] = await second.commitAppends('object-2', [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 1 })])
      assert.deepEqual(result, { errorCode: 0, baseOffset: 10, logStartOffset: 3 })
      assert.ok(await second.registerNode({ nodeId: -1, host: 'h2', port: 9092, rack: null, leaseExpiresAtMs: 100 }) > nodeId)
    })

    it('keeps a control-plane cluster (ARN, settings, port, state, tags) across close and reopen; a second connection sees its name taken', async t => {
      const open = await location(t)
      const first = await open()
      const cluster = managedCluster(CLUSTER, 'orders')
      await first.createCluster(cluster, { env: 'dev' })
      await first.setClusterState(CLUSTER, 'ACTIVE')
      await first.close()
      const second = await open()
      const third = await open()
      t.after(() => second.close())
      t.after(() => third.close())
      assert.deepEqual(await second.getCluster(CLUSTER), { ...cluster, state: 'ACTIVE' })
      assert.deepEqual(await second.getClusterTags(CLUSTER), { env: 'dev' })
      await assert.rejects(third.createCluster(managedCluster(OTHER_CLUSTER, 'orders', { bootstrapPort: 1 })), /already has a cluster named orders/)
    })

    it('keeps groups and committed offsets across close and reopen', async t => {
      const open = await location(t)
      const first = await open()
      const topic = topicRecord('events', 2)
      await first.createTopic(topic)
      await first.createGroup(groupRecord('g'), 5)
      await first.updateGroup(CLUSTER, 'g', { protocolType: 'consumer', state: 'Stable', generationId: 3 })
      await first.commitOffsets(CLUSTER, 'g', [committed(topic.topicId, 1, 42, { leaderEpoch: 2, metadata: 'm' })])
      await first.close()

      const second = await open()
      t.after(() => second.close())
      assert.deepEqual(await second.listGroups(CLUSTER), [{ ...groupRecord('g'), state: 'Stable', generationId: 3 }])
      assert.deepEqual(await second.fetchOffsets(CLUSTER, 'g'), [committed(topic.topicId, 1, 42, { leaderEpoch: 2, metadata: 'm' })])
    })

    it('keeps producer ids, epochs and producer state across close and reopen: a retry after a restart is still a duplicate', async t => {
      const open = await location(t)
      const first = await open()
      const topic = topicRecord('events', 1)
      await first.createTopic(topic)
      const { producerId } = await first.allocateProducerId(CLUSTER, 1_000)
      await first.bumpProducerEpoch(CLUSTER, producerId, 0, 2_000)
      for (let index = 0; index < 3; index++) {
        const [result] = await first.commitAppends(`object-${index}`, [
          producerAppend(topic, 0, { producerId, producerEpoch: 1, baseSequence: index * 10, offsetCount: 10, maxTimestamp: 3_000 + index })
        ])
        assert.deepEqual(result, appended(index * 10))
      }
      const producers = await first.listPartitionProducers(topic.topicId, 0)
      await first.close()

      const second = await open()
      t.after(() => second.close())
      assert.deepEqual(await second.listPartitionProducers(topic.topicId, 0), producers)
      assert.deepEqual(await second.getProducerId(CLUSTER, producerId), {
        clusterId: CLUSTER, producerId, producerEpoch: 1, lastProducerEpoch: 0, transactionalId: null, updatedAtMs: 2_000
      })
      const [retry, next, gap, stale] = await second.commitAppends('object-9', [
        producerAppend(topic, 0, { producerId, producerEpoch: 1, baseSequence: 10, offsetCount: 10, position: 0 }),
        producerAppend(topic, 0, { producerId, producerEpoch: 1, baseSequence: 30, offsetCount: 1, position: 10 }),
        producerAppend(topic, 0, { producerId, producerEpoch: 1, baseSequence: 40, offsetCount: 1, position: 20 }),
        producerAppend(topic, 0, { producerId, producerEpoch: 0, baseSequence: 31, offsetCount: 1, position: 30 })
      ])
      assert.deepEqual([retry, next], [duplicateOf(10), appended(30)])
      assert.equal(gap?.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
      assert.equal(stale?.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
      assert.deepEqual(await second.bumpProducerEpoch(CLUSTER, producerId, 0, 4_000), { outcome: 'retried', producerEpoch: 1 })
      assert.ok((await second.allocateProducerId(CLUSTER, 5_000)).producerId > producerId, 'the id sequence goes on where it was')
    })

    it('checks one producer\'s sequences across two connections to one store committing in turn', async t => {
      const open = await location(t)
      const [one, two] = [await open(), await open()]
      t.after(async () => { await one.close(); await two.close() })
      const topic = topicRecord('events', 1)
      await one.createTopic(topic)
      const batch = (baseSequence: number) => producerAppend(topic, 0, { producerId: 9, baseSequence, offsetCount: 2, position: 0 })
      for (let round = 0; round < 6; round++) {
        const [result] = await (round % 2 === 0 ? one : two).commitAppends(`object-${round}`, [batch(round * 2)])
        assert.deepEqual(result, appended(round * 2), `round ${round}`)
      }
      const [retryOnOne] = await one.commitAppends('object-r1', [batch(8)])
      const [retryOnTwo] = await two.commitAppends('object-r2', [batch(6)])
      assert.deepEqual([retryOnOne, retryOnTwo], [duplicateOf(8), duplicateOf(6)], 'each connection sees the batches the other committed')
      const [gap] = await one.commitAppends('object-g', [batch(20)])
      assert.equal(gap?.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
      const [next] = await one.commitAppends('object-n', [batch(12)])
      assert.deepEqual(next, appended(12))
    })

    it('hands out distinct producer ids to two connections to one store', async t => {
      const open = await location(t)
      const [one, two] = [await open(), await open()]
      t.after(async () => { await one.close(); await two.close() })
      const ids = await Promise.all(Array.from({ length: 20 }, async (_, index) =>
        (await (index % 2 === 0 ? one : two).allocateProducerId(CLUSTER, index)).producerId))
      assert.equal(new Set(ids).size, ids.length)
    })

    it('lets two connections to one store commit in turn without losing offsets', async t => {
      const open = await location(t)
      const [one, two] = [await open(), await open()]
      t.after(async () => { await one.close(); await two.close() })
      const topic = topicRecord('events', 1)
      await one.createTopic(topic)
      const baseOffsets: number[] = []
      for (let round = 0; round < 10; round++) {
        const catalog = round % 2 === 0 ? one : two
        const [result] = await catalog.commitAppends(`object-${round}`, [batchAppend(topic, 0, { position: 0, size: 10, offsetCount: 3 })])
        assert.ok(result !== undefined && 'baseOffset' in result)
        baseOffsets.push(result.baseOffset)
      }
      assert.deepEqual(baseOffsets, [0, 3, 6, 9, 12, 15, 18, 21, 24, 27])
      assert.equal((await one.getPartitionOffsets(topic.topicId, 0))?.highWatermark, 30)
    })

    runIdentityReopenContract(location)
  })
}
