// Transactional requests out of order or from the wrong producer, over a raw connection with exact
// requests: each gets Kafka's error code, and the transaction's state is unharmed (a correct
// sequence afterwards still commits, and read_committed sees exactly its records).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { AddOffsetsToTxnApi } from '../../src/protocol/messages/add-offsets-to-txn.ts'
import { AddPartitionsToTxnApi } from '../../src/protocol/messages/add-partitions-to-txn.ts'
import { DescribeTransactionsApi } from '../../src/protocol/messages/describe-transactions.ts'
import { EndTxnApi } from '../../src/protocol/messages/end-txn.ts'
import { InitProducerIdApi } from '../../src/protocol/messages/init-producer-id.ts'
import { ListTransactionsApi } from '../../src/protocol/messages/list-transactions.ts'
import { TxnOffsetCommitApi } from '../../src/protocol/messages/txn-offset-commit.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { Attributes } from '../../src/protocol/records/record-batch.ts'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { produceBatch } from '../helpers/records.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const TXN = 'bad-input-txn'

function transactionalBatch (producerId: number, producerEpoch: number, baseSequence: number, values: string[]): Buffer {
  return buildRecordBatch({
    producerId,
    producerEpoch,
    baseSequence,
    attributes: Attributes.transactional,
    records: values.map(value => ({ value: Buffer.from(value) }))
  })
}

test('transactional requests out of order get Kafka\'s errors and leave the transaction intact', async t => {
  const { bootstrap } = await startTestNode(t)
  await createTopics(bootstrap, [{ name: 'txn-bad', partitions: 2 }])
  const client = await WireClient.connect(bootstrap)
  t.after(() => client.close())
  const addPartitions = (producerId: number, producerEpoch: number, partitions = [0], version = 3) =>
    client.request(AddPartitionsToTxnApi, version, {
      transactions: [],
      v3AndBelowTransactionalId: TXN,
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'txn-bad', partitions }]
    }).then(response => response.resultsByTopicV3AndBelow[0]!.resultsByPartition.map(result => result.partitionErrorCode))
  const endTxn = async (producerId: number, producerEpoch: number, committed: boolean, version = 3) =>
    (await client.request(EndTxnApi, version, { transactionalId: TXN, producerId, producerEpoch, committed })).errorCode
  const initProducerId = async (transactionTimeoutMs = 60_000) => await client.request(InitProducerIdApi, 4, {
    transactionalId: TXN, transactionTimeoutMs, producerId: -1, producerEpoch: -1
  })

  assert.deepEqual(await addPartitions(99, 0), [ErrorCode.INVALID_PRODUCER_ID_MAPPING], 'AddPartitionsToTxn before InitProducerId')
  assert.equal((await initProducerId(0)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  assert.equal((await initProducerId(24 * 60 * 60 * 1000)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT, 'above transaction.max.timeout.ms')
  const { producerId, producerEpoch, errorCode } = await initProducerId()
  assert.equal(errorCode, 0)

  assert.equal(await endTxn(producerId, producerEpoch, true), ErrorCode.INVALID_TXN_STATE, 'EndTxn with no transaction open')
  const outside = await produceBatch(client, 'txn-bad', 0, transactionalBatch(producerId, producerEpoch, 0, ['early']))
  assert.equal(outside.errorCode, ErrorCode.INVALID_TXN_STATE, 'a transactional batch before AddPartitionsToTxn')
  assert.deepEqual(await addPartitions(producerId, producerEpoch + 1), [ErrorCode.PRODUCER_FENCED], 'a future epoch')
  assert.deepEqual(await addPartitions(producerId, producerEpoch + 1, [0], 1), [ErrorCode.INVALID_PRODUCER_EPOCH], 'the same before v2')
  assert.deepEqual(await addPartitions(producerId + 1, producerEpoch), [ErrorCode.INVALID_PRODUCER_ID_MAPPING], 'another producer id')
  assert.deepEqual(await addPartitions(producerId, producerEpoch, [0, 7]), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])

  assert.deepEqual(await addPartitions(producerId, producerEpoch), [0])
  const offsetCommit = await client.request(TxnOffsetCommitApi, 3, {
    transactionalId: TXN,
    groupId: 'txn-group',
    producerId,
    producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'txn-bad', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })
  assert.equal(offsetCommit.topics[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_TXN_STATE, 'TxnOffsetCommit before AddOffsetsToTxn')
  const wrongPartition = await produceBatch(client, 'txn-bad', 1, transactionalBatch(producerId, producerEpoch, 0, ['p1']))
  assert.equal(wrongPartition.errorCode, ErrorCode.INVALID_TXN_STATE, 'a partition not added to the transaction')
  const written = await produceBatch(client, 'txn-bad', 0, transactionalBatch(producerId, producerEpoch, 0, ['a', 'b']))
  assert.equal(written.errorCode, 0)
  const addOffsets = await client.request(AddOffsetsToTxnApi, 3, { transactionalId: TXN, producerId, producerEpoch: producerEpoch + 3, groupId: 'txn-group' })
  assert.equal(addOffsets.errorCode, ErrorCode.PRODUCER_FENCED)

  const described = await client.request(DescribeTransactionsApi, 0, { transactionalIds: [TXN, 'unknown-txn'] })
  assert.equal(described.transactionStates[0]!.transactionState, 'Ongoing')
  assert.deepEqual(described.transactionStates[0]!.topics, [{ topic: 'txn-bad', partitions: [0] }])
  assert.equal(described.transactionStates[1]!.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  const listed = await client.request(ListTransactionsApi, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 })
  assert.deepEqual(listed.transactionStates.map(state => state.transactionalId), [TXN])
  assert.deepEqual(listed.unknownStateFilters, ['Bogus'])

  // Nothing above harmed the transaction: it commits, and read_committed's end moves past it.
  const latest = async (isolationLevel: number) => (await client.request(ListOffsetsApi, 7, {
    replicaId: -1, isolationLevel, timeoutMs: 1000, topics: [{ name: 'txn-bad', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }]
  })).topics[0]!.partitions[0]!.offset
  assert.equal(await latest(1), 0, 'read_committed stops before the open transaction')
  assert.equal(await latest(0), 2)
  assert.equal(await endTxn(producerId, producerEpoch, true), 0)
  assert.equal(await endTxn(producerId, producerEpoch, true), 0, 'a retried commit is answered again')
  assert.equal(await endTxn(producerId, producerEpoch, false), ErrorCode.INVALID_TXN_STATE, 'abort after commit')
  assert.equal(await latest(1), 3, 'the marker took offset 2; the last stable offset is the high watermark')
})
