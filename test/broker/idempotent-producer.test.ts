// Idempotent producers against a real node over a raw connection, with exact requests: InitProducerId
// at every version (allocation, KIP-360 bumps, fencing, transactional ids), Produce of
// idempotent batches (retries answered with their first offset and stored once, gaps, stale
// epochs), DescribeProducers, and producer state surviving a node restart.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { DescribeProducersApi } from '../../src/protocol/messages/describe-producers.ts'
import { InitProducerIdApi, type InitProducerIdResponse } from '../../src/protocol/messages/init-producer-id.ts'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { readBatchHeader } from '../../src/protocol/records/record-batch.ts'
import { fetchAll, produceBatch } from '../helpers/records.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

interface ProducerIdAndEpoch {
  producerId: number
  producerEpoch: number
}

async function connect (t: TestContext, bootstrap: string): Promise<WireClient> {
  const client = await WireClient.connect(bootstrap)
  t.after(() => client.close())
  return client
}

async function initProducerId (
  client: WireClient, version: number, fields: { transactionalId?: string | null, producerId?: number, producerEpoch?: number } = {}
): Promise<InitProducerIdResponse> {
  return await client.request(InitProducerIdApi, version, {
    transactionalId: fields.transactionalId ?? null,
    transactionTimeoutMs: 60_000,
    producerId: fields.producerId ?? -1,
    producerEpoch: fields.producerEpoch ?? -1
  })
}

function idempotentBatch (producer: ProducerIdAndEpoch, baseSequence: number, values: string[]): Buffer {
  return buildRecordBatch({
    producerId: producer.producerId,
    producerEpoch: producer.producerEpoch,
    baseSequence,
    baseTimestamp: Date.now(),
    records: values.map((value, index) => ({ value: Buffer.from(value), timestampDelta: index }))
  })
}

async function storedBaseOffsets (client: WireClient, topic: string, partition = 0): Promise<number[]> {
  const batches = await fetchAll(client, topic, partition)
  return batches.map(batch => batch.baseOffset)
}

test('InitProducerId hands out a new producer id at epoch 0 at every version, unique across calls', async t => {
  const { bootstrap } = await startTestNode(t)
  const client = await connect(t, bootstrap)
  const ids = new Set<number>()
  for (let version = 0; version <= 5; version++) {
    const response = await initProducerId(client, version)
    assert.equal(response.errorCode, 0, `v${version}`)
    assert.equal(response.producerEpoch, 0)
    assert.ok(response.producerId >= 0)
    ids.add(response.producerId)
  }
  assert.equal(ids.size, 6)
})

test('InitProducerId v3+ with the id and epoch held bumps the epoch, repeats a retried bump, and fences other epochs as Kafka does', async t => {
  const { bootstrap } = await startTestNode(t)
  const client = await connect(t, bootstrap)
  const { producerId } = await initProducerId(client, 5)
  assert.deepEqual(await initProducerId(client, 5, { producerId, producerEpoch: 0 }), { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: 1 })
  assert.deepEqual(await initProducerId(client, 4, { producerId, producerEpoch: 0 }), { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: 1 },
    'the previous epoch again: a retry whose answer was lost')
  assert.deepEqual(await initProducerId(client, 3, { producerId, producerEpoch: 1 }), { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: 2 })
  const fenced = await initProducerId(client, 4, { producerId, producerEpoch: 0 })
  assert.deepEqual(fenced, { throttleTimeMs: 0, errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1, producerEpoch: -1 })
  assert.equal((await initProducerId(client, 3, { producerId, producerEpoch: 0 })).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH,
    'clients before v4 do not know PRODUCER_FENCED')

  const unknown = await initProducerId(client, 5, { producerId: producerId + 1_000_000, producerEpoch: 3 })
  assert.equal(unknown.errorCode, 0)
  assert.equal(unknown.producerEpoch, 0, 'an id the cluster does not know is replaced by a new one')
  assert.notEqual(unknown.producerId, producerId + 1_000_000)

  assert.equal((await initProducerId(client, 5, { producerId, producerEpoch: -1 })).errorCode, ErrorCode.INVALID_REQUEST)
  assert.equal((await initProducerId(client, 5, { producerId: -1, producerEpoch: 2 })).errorCode, ErrorCode.INVALID_REQUEST)
})

test('InitProducerId with a transactional id hands out one producer id per transactional id, raising its epoch each time', async t => {
  const { bootstrap } = await startTestNode(t)
  const client = await connect(t, bootstrap)
  const first = await initProducerId(client, 3, { transactionalId: 'txn-1' })
  assert.equal(first.errorCode, 0)
  assert.equal(first.producerEpoch, 0)
  const again = await initProducerId(client, 5, { transactionalId: 'txn-1' })
  assert.deepEqual(again, { ...first, producerEpoch: 1 }, 'a new instance fences the old one with a raised epoch')
  const other = await initProducerId(client, 5, { transactionalId: 'txn-2' })
  assert.notEqual(other.producerId, first.producerId)
  const retried = await initProducerId(client, 5, { transactionalId: 'txn-1', producerId: first.producerId, producerEpoch: 0 })
  assert.deepEqual(retried, again, 'the epoch before the last bump is a retry that lost its answer (KIP-360)')
  assert.equal((await initProducerId(client, 5, { transactionalId: 'txn-1', producerId: first.producerId, producerEpoch: 1 })).producerEpoch, 2)
  const fenced = await initProducerId(client, 5, { transactionalId: 'txn-1', producerId: first.producerId, producerEpoch: 0 })
  assert.equal(fenced.errorCode, ErrorCode.PRODUCER_FENCED, 'an instance holding an epoch two bumps old is fenced')
  const fencedOld = await initProducerId(client, 3, { transactionalId: 'txn-1', producerId: first.producerId + 100, producerEpoch: 1 })
  assert.equal(fencedOld.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'before v4 the answer is INVALID_PRODUCER_EPOCH')
})

test('Produce answers a retried idempotent batch with its first offset and stores it once; gaps and stale epochs are refused', async t => {
  const { bootstrap } = await startTestNode(t)
  await createTopics(bootstrap, [{ name: 'idempotent', partitions: 2 }])
  const client = await connect(t, bootstrap)
  const { producerId, producerEpoch } = await initProducerId(client, 5)
  const producer = { producerId, producerEpoch }

  const first = idempotentBatch(producer, 0, ['a', 'b', 'c'])
  const second = idempotentBatch(producer, 3, ['d', 'e'])
  assert.equal((await produceBatch(client, 'idempotent', 0, first)).baseOffset, 0)
  assert.equal((await produceBatch(client, 'idempotent', 0, second)).baseOffset, 3)
  for (const [batch, baseOffset] of [[first, 0], [second, 3], [first, 0]] as const) {
    const retry = await produceBatch(client, 'idempotent', 0, Buffer.from(batch))
    assert.equal(retry.errorCode, 0)
    assert.equal(retry.baseOffset, baseOffset)
  }
  assert.deepEqual(await storedBaseOffsets(client, 'idempotent'), [0, 3], 'each batch once')

  const gap = await produceBatch(client, 'idempotent', 0, idempotentBatch(producer, 9, ['x']))
  assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.equal(gap.baseOffset, -1)

  const bumped = await initProducerId(client, 5, { producerId, producerEpoch })
  const newEpoch = { producerId, producerEpoch: bumped.producerEpoch }
  assert.equal((await produceBatch(client, 'idempotent', 0, idempotentBatch(newEpoch, 1, ['g']))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    'a new epoch starts at sequence 0')
  assert.equal((await produceBatch(client, 'idempotent', 0, idempotentBatch(newEpoch, 0, ['g']))).baseOffset, 5)
  const stale = await produceBatch(client, 'idempotent', 0, idempotentBatch(producer, 5, ['f']))
  assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'once the new epoch wrote, the old one is stale')

  const noSequence = await produceBatch(client, 'idempotent', 1, idempotentBatch(producer, -1, ['h']))
  assert.equal(noSequence.errorCode, ErrorCode.INVALID_RECORD)
  assert.deepEqual(await storedBaseOffsets(client, 'idempotent'), [0, 3, 5])
})

test('DescribeProducers lists each partition\'s producers with epoch, last sequence and last timestamp', async t => {
  const { bootstrap } = await startTestNode(t)
  await createTopics(bootstrap, [{ name: 'described', partitions: 2 }])
  const client = await connect(t, bootstrap)
  const one = await initProducerId(client, 5)
  const two = await initProducerId(client, 5)
  await produceBatch(client, 'described', 0, idempotentBatch(one, 0, ['a', 'b', 'c']))
  const twoBatch = idempotentBatch(two, 0, ['d'])
  await produceBatch(client, 'described', 0, twoBatch)
  const oneBatch = idempotentBatch(one, 3, ['e', 'f'])
  await produceBatch(client, 'described', 0, oneBatch)
  const response = await client.request(DescribeProducersApi, 0, {
    topics: [{ name: 'described', partitionIndexes: [0, 1, 5] }, { name: 'missing', partitionIndexes: [0] }]
  })
  const [described, missing] = response.topics
  const [zero, empty, outOfRange] = described?.partitions ?? []
  assert.equal(zero?.errorCode, 0)
  const state = (producer: ProducerIdAndEpoch, lastSequence: number, batch: Buffer) => ({
    producerId: producer.producerId,
    producerEpoch: 0,
    lastSequence,
    lastTimestamp: readBatchHeader(batch).maxTimestamp,
    coordinatorEpoch: -1,
    currentTxnStartOffset: -1
  })
  assert.deepEqual(zero?.activeProducers, [state(one, 4, oneBatch), state(two, 0, twoBatch)].sort((a, b) => a.producerId - b.producerId))
  assert.deepEqual(empty, { partitionIndex: 1, errorCode: 0, errorMessage: null, activeProducers: [] })
  assert.equal(outOfRange?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  assert.equal(missing?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
})

test('producer state survives a node restart: a retry after it is still answered as a duplicate, and the id sequence goes on', async t => {
  const first = await startTestNode(t)
  const { dataDir } = first
  await createTopics(first.bootstrap, [{ name: 'restarted', partitions: 1 }])
  const before = await WireClient.connect(first.bootstrap)
  const producer = await initProducerId(before, 5)
  const batch = idempotentBatch(producer, 0, ['kept'])
  assert.equal((await produceBatch(before, 'restarted', 0, batch)).baseOffset, 0)
  before.close()
  await first.close()

  const second = await startTestNode(t, { dataDir })
  const after = await connect(t, second.bootstrap)
  const retry = await produceBatch(after, 'restarted', 0, Buffer.from(batch))
  assert.deepEqual([retry.errorCode, retry.baseOffset], [0, 0])
  assert.deepEqual(await storedBaseOffsets(after, 'restarted'), [0])
  assert.equal((await produceBatch(after, 'restarted', 0, idempotentBatch(producer, 5, ['gap']))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.equal((await produceBatch(after, 'restarted', 0, idempotentBatch(producer, 1, ['next']))).baseOffset, 1)
  assert.ok((await initProducerId(after, 5)).producerId > producer.producerId)
  assert.equal((await initProducerId(after, 5, { producerId: producer.producerId, producerEpoch: 0 })).producerEpoch, 1)
})
