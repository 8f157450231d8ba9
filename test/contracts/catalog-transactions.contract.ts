// The Catalog contract for transactions: transactional ids and their open transaction, the
// commit's check that a transactional batch belongs to its producer's ongoing transaction, markers
// closing transactions and recording aborted ranges, completing a transaction with its offsets,
// and what log start moves and topic deletion do to it all. Run by runCatalogContract on every backend.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import type { BatchAppend, Catalog, TopicRecord, TransactionRecord } from '../../src/storage/catalog.ts'
import { CLUSTER, OTHER_CLUSTER, openWithTopic } from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'
import { committed, groupRecord } from './catalog-groups.contract.ts'
import { producerAppend } from './catalog-producers.contract.ts'

export function transactionRecord (transactionalId: string, fields: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    clusterId: CLUSTER,
    transactionalId,
    producerId: 7,
    producerEpoch: 0,
    lastProducerEpoch: -1,
    timeoutMs: 60_000,
    state: 'Empty',
    startedAtMs: -1,
    updatedAtMs: 1_700_000_000_000,
    partitions: [],
    groupIds: [],
    pendingOffsets: [],
    ...fields
  }
}

function transactional (topic: TopicRecord, partition: number, baseSequence: number, offsetCount: number, producerEpoch = 0): BatchAppend {
  return { ...producerAppend(topic, partition, { producerId: 7, producerEpoch, baseSequence, offsetCount }), isTransactional: true }
}

function marker (topic: TopicRecord, partition: number, controlType: 'commit' | 'abort', producerEpoch = 0): BatchAppend {
  return {
    ...producerAppend(topic, partition, { producerId: 7, producerEpoch, baseSequence: -1, offsetCount: 1, position: 99_000 }),
    isTransactional: true,
    isControl: true,
    controlType
  }
}

async function openTransaction (catalog: Catalog, topic: TopicRecord, partitions: number[], producerEpoch = 0): Promise<void> {
  await catalog.saveTransaction(transactionRecord('txn', {
    producerEpoch, state: 'Ongoing', startedAtMs: 1_700_000_000_000, partitions: partitions.map(partition => ({ topicId: topic.topicId, partition }))
  }))
}

async function openTxnFirstOffset (catalog: Catalog, topic: TopicRecord, partition: number): Promise<number | undefined> {
  return (await catalog.listPartitionProducers(topic.topicId, partition)).find(state => state.producerId === 7)?.currentTxnFirstOffset
}

export function runCatalogTransactionsContract (open: OpenCatalog): void {
  describe('transactions', () => {
    it('stores a transactional id, replaces its partitions on save, and keeps clusters apart', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const record = transactionRecord('txn', {
        state: 'Ongoing',
        startedAtMs: 1_700_000_000_100,
        partitions: [{ topicId: topic.topicId, partition: 1 }, { topicId: topic.topicId, partition: 0 }],
        groupIds: ['g'],
        pendingOffsets: [{ ...committed(topic.topicId, 0, 5, { metadata: 'm' }), groupId: 'g' }]
      })
      await catalog.saveTransaction(record)
      const stored = await catalog.getTransaction(CLUSTER, 'txn')
      assert.deepEqual(stored, { ...record, partitions: [{ topicId: topic.topicId, partition: 0 }, { topicId: topic.topicId, partition: 1 }] })
      await catalog.saveTransaction({ ...record, partitions: [{ topicId: topic.topicId, partition: 2 }] })
      assert.deepEqual((await catalog.getTransaction(CLUSTER, 'txn'))?.partitions, [{ topicId: topic.topicId, partition: 2 }])
      await catalog.saveTransaction(transactionRecord('a-txn', { producerId: 8 }))
      await catalog.saveTransaction(transactionRecord('txn', { clusterId: OTHER_CLUSTER, producerId: 9 }))
      assert.deepEqual((await catalog.listTransactions(CLUSTER)).map(entry => entry.transactionalId), ['a-txn', 'txn'])
      assert.equal((await catalog.getTransaction(OTHER_CLUSTER, 'txn'))?.producerId, 9)
      assert.equal(await catalog.getTransaction(CLUSTER, 'missing'), undefined)
    })

    it('accepts a transactional batch only in a partition of its producer\'s ongoing transaction, at its epoch', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      const [outside] = await catalog.commitAppends('o', [transactional(topic, 0, 0, 2)])
      assert.equal(outside?.errorCode, ErrorCode.INVALID_TXN_STATE, 'no transaction at all')
      await openTransaction(catalog, topic, [0])
      const [notAdded] = await catalog.commitAppends('o', [transactional(topic, 1, 0, 2)])
      assert.equal(notAdded?.errorCode, ErrorCode.INVALID_TXN_STATE, 'partition 1 was not added')
      const [added] = await catalog.commitAppends('o', [transactional(topic, 0, 0, 2)])
      assert.deepEqual(added, { errorCode: 0, baseOffset: 0, logStartOffset: 0 })
      assert.equal(await openTxnFirstOffset(catalog, topic, 0), 0)
      const [next] = await catalog.commitAppends('o', [transactional(topic, 0, 2, 3)])
      assert.equal(next?.errorCode, 0)
      assert.equal(await openTxnFirstOffset(catalog, topic, 0), 0, 'the first offset stays that of the first batch')
      await openTransaction(catalog, topic, [0], 1)
      const [stale] = await catalog.commitAppends('o', [transactional(topic, 0, 0, 1, 2)])
      assert.equal(stale?.errorCode, ErrorCode.INVALID_TXN_STATE, 'the transaction is at epoch 1, not 2')
      await catalog.saveTransaction(transactionRecord('txn', { state: 'CompleteCommit' }))
      const [ended] = await catalog.commitAppends('o', [transactional(topic, 0, 5, 1)])
      assert.equal(ended?.errorCode, ErrorCode.INVALID_TXN_STATE, 'the transaction is no longer ongoing')
    })

    it('closes the transaction with a commit marker and records nothing aborted', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await openTransaction(catalog, topic, [0])
      await catalog.commitAppends('o', [transactional(topic, 0, 0, 3)])
      const [committedMarker] = await catalog.commitAppends('m', [marker(topic, 0, 'commit')])
      assert.deepEqual(committedMarker, { errorCode: 0, baseOffset: 3, logStartOffset: 0 })
      assert.equal(await openTxnFirstOffset(catalog, topic, 0), -1)
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 0), [])
      assert.equal((await catalog.getPartitionOffsets(topic.topicId, 0))?.highWatermark, 4, 'the marker takes an offset')
    })

    it('records the range an abort marker closes, lists it from an offset, and drops it below the log start', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await openTransaction(catalog, topic, [0, 1])
      await catalog.commitAppends('o', [transactional(topic, 0, 0, 2), transactional(topic, 0, 2, 2)])
      const [abortMarker, emptyMarker] = await catalog.commitAppends('m', [marker(topic, 0, 'abort'), marker(topic, 1, 'abort')])
      assert.deepEqual(abortMarker, { errorCode: 0, baseOffset: 4, logStartOffset: 0 })
      assert.equal(emptyMarker?.errorCode, 0, 'a marker where the producer wrote nothing is taken')
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 0), [{ producerId: 7, firstOffset: 0, lastOffset: 4 }])
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 5), [])
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 1, 0), [], 'nothing was written in partition 1')
      await catalog.advanceLogStartOffset(topic.topicId, 0, 5)
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 0), [])
    })

    it('refuses a marker older than the producer\'s epoch in the partition, and raises the epoch with a newer one', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await openTransaction(catalog, topic, [0], 1)
      await catalog.commitAppends('o', [transactional(topic, 0, 0, 1, 1)])
      const [old] = await catalog.commitAppends('m', [marker(topic, 0, 'abort', 0)])
      assert.equal(old?.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
      const [fencing] = await catalog.commitAppends('m', [marker(topic, 0, 'abort', 2)])
      assert.equal(fencing?.errorCode, 0)
      const [state] = await catalog.listPartitionProducers(topic.topicId, 0)
      assert.equal(state?.producerEpoch, 2)
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 0), [{ producerId: 7, firstOffset: 0, lastOffset: 1 }])
      const [zombie] = await catalog.commitAppends('o', [transactional(topic, 0, 1, 1, 1)])
      assert.equal(zombie?.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'the old epoch is fenced in the partition')
    })

    it('completes a transaction with its offsets in one go, dropping those of unknown partitions or groups', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await catalog.createGroup(groupRecord('g'), 10)
      const offsets = [
        { ...committed(topic.topicId, 0, 10), groupId: 'g' },
        { ...committed(topic.topicId, 9, 10), groupId: 'g' },
        { ...committed(topic.topicId, 1, 3), groupId: 'gone' }
      ]
      const done = transactionRecord('txn', { state: 'CompleteCommit' })
      await catalog.completeTransaction(done, offsets)
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'g'), [committed(topic.topicId, 0, 10)])
      assert.deepEqual(await catalog.getTransaction(CLUSTER, 'txn'), done)
    })

    it('forgets a deleted topic\'s aborted ranges and takes it out of open transactions', async t => {
      const { catalog, topic } = await openWithTopic(open, t)
      await openTransaction(catalog, topic, [0])
      await catalog.commitAppends('o', [transactional(topic, 0, 0, 1)])
      await catalog.commitAppends('m', [marker(topic, 0, 'abort')])
      await catalog.deleteTopic(CLUSTER, topic.name)
      assert.deepEqual(await catalog.listAbortedTransactions(topic.topicId, 0, 0), [])
      assert.deepEqual((await catalog.getTransaction(CLUSTER, 'txn'))?.partitions, [])
    })
  })
}
