// The transaction coordinator over an in-memory Catalog with a marker writer the test controls:
// a decision whose markers fail is kept and finished later (offsets committed with it), a timed-out
// transaction is aborted at a raised epoch, and a producer at the epoch limit gets a new id.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { MemoryCatalog } from '../../storage/memory/memory-catalog.ts'
import type { AppendResult } from '../../storage/catalog.ts'
import { MAX_PRODUCER_EPOCH } from '../../storage/producer-sequences.ts'
import type { TransactionMarker } from '../../log/transaction-markers.ts'
import { TransactionCoordinator, type ProducerIdentity } from './transaction-coordinator.ts'

const CLUSTER = 'c1'
const TOPIC_ID = '11111111-2222-3333-4444-555555555555'

async function setup () {
  const catalog = new MemoryCatalog()
  await catalog.createCluster({ clusterId: CLUSTER, name: 'one', state: 'ACTIVE', createdAtMs: 0 })
  await catalog.createTopic({ clusterId: CLUSTER, topicId: TOPIC_ID, name: 'events', partitionCount: 2, configs: {}, createdAtMs: 0 })
  await catalog.createGroup({ clusterId: CLUSTER, groupId: 'g', protocolType: '', state: 'Empty', generationId: 0, createdAtMs: 0 }, 10)
  let nowMs = 1_000_000
  const written: TransactionMarker[] = []
  const markers = {
    isFailing: false,
    async appendMarker (_target: unknown, marker: TransactionMarker): Promise<AppendResult> {
      if (markers.isFailing) throw new Error('object store unavailable')
      written.push(marker)
      return { errorCode: 0, baseOffset: written.length, logStartOffset: 0 }
    }
  }
  const coordinator = new TransactionCoordinator({
    catalog, markers, clock: { nowMs: () => nowMs }, logger: pino({ level: 'silent' }), settings: { maxTimeoutMs: 900_000, abortCheckIntervalMs: 60_000 }
  })
  return { catalog, coordinator, markers, written, advance: (ms: number) => { nowMs += ms } }
}

async function begin (coordinator: TransactionCoordinator, timeoutMs = 60_000): Promise<ProducerIdentity> {
  const init = await coordinator.initProducerId(CLUSTER, 'txn', timeoutMs, undefined)
  assert.ok('producerId' in init)
  const producer = { clusterId: CLUSTER, transactionalId: 'txn', producerId: init.producerId, producerEpoch: init.producerEpoch }
  assert.equal(await coordinator.addPartitions(producer, [{ topicId: TOPIC_ID, partition: 0 }, { topicId: TOPIC_ID, partition: 1 }]), 0)
  return producer
}

test('a commit whose markers fail stays decided, refuses new work, and is finished with its offsets by the next check', async () => {
  const { catalog, coordinator, markers, written } = await setup()
  const producer = await begin(coordinator)
  assert.equal(await coordinator.addOffsets(producer, 'g'), 0)
  const offsets = [{ topicId: TOPIC_ID, partition: 0, committedOffset: 42, leaderEpoch: -1, metadata: '', commitTimestampMs: 1 }]
  assert.equal(await coordinator.commitOffsets(producer, 'g', offsets, async () => 0), 0)
  markers.isFailing = true
  assert.equal(await coordinator.endTransaction(producer, true), 0, 'the decision is durable, so the commit is answered')
  assert.equal((await catalog.getTransaction(CLUSTER, 'txn'))?.state, 'PrepareCommit')
  assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g'), [], 'offsets wait for the markers')
  assert.equal(await coordinator.addPartitions(producer, [{ topicId: TOPIC_ID, partition: 0 }]), ErrorCode.CONCURRENT_TRANSACTIONS)
  markers.isFailing = false
  await coordinator.checkTransactions()
  assert.equal((await catalog.getTransaction(CLUSTER, 'txn'))?.state, 'CompleteCommit')
  assert.deepEqual(written.map(marker => marker.commit), [true, true])
  assert.deepEqual((await catalog.fetchOffsets(CLUSTER, 'g')).map(offset => offset.committedOffset), [42])
})

test('a transaction past its timeout is aborted at a raised epoch, fencing the producer that opened it', async () => {
  const { catalog, coordinator, written, advance } = await setup()
  const producer = await begin(coordinator, 10_000)
  advance(9_000)
  await coordinator.checkTransactions()
  assert.equal((await catalog.getTransaction(CLUSTER, 'txn'))?.state, 'Ongoing', 'not yet')
  advance(2_000)
  await coordinator.checkTransactions()
  const record = await catalog.getTransaction(CLUSTER, 'txn')
  assert.equal(record?.state, 'CompleteAbort')
  assert.equal(record?.producerEpoch, producer.producerEpoch + 1)
  assert.deepEqual(written.map(marker => [marker.commit, marker.producerEpoch]), [[false, 1], [false, 1]])
  assert.equal(await coordinator.endTransaction(producer, true), ErrorCode.PRODUCER_FENCED)
})

test('InitProducerId at the epoch limit hands out a new producer id at epoch 0', async () => {
  const { catalog, coordinator } = await setup()
  const producer = await begin(coordinator)
  const record = await catalog.getTransaction(CLUSTER, 'txn')
  await catalog.saveTransaction({ ...record!, state: 'CompleteCommit', partitions: [], producerEpoch: MAX_PRODUCER_EPOCH - 1 })
  const renewed = await coordinator.initProducerId(CLUSTER, 'txn', 60_000, undefined)
  assert.ok('producerId' in renewed)
  assert.notEqual(renewed.producerId, producer.producerId)
  assert.equal(renewed.producerEpoch, 0)
})
