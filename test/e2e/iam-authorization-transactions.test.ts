// IAM authorization of producer ids and transactions over the IAM listener (TLS + SASL
// OAUTHBEARER), driven by the project's codecs: InitProducerId (AlterTransactionalId, or
// WriteDataIdempotently on the cluster), the transaction APIs with the transactional id checked
// before the group and the topics, DescribeTransactions per id and ListTransactions filtered.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { InitProducerIdApi } from '../../src/protocol/messages/init-producer-id.ts'
import { AddPartitionsToTxnApi } from '../../src/protocol/messages/add-partitions-to-txn.ts'
import { AddOffsetsToTxnApi } from '../../src/protocol/messages/add-offsets-to-txn.ts'
import { TxnOffsetCommitApi } from '../../src/protocol/messages/txn-offset-commit.ts'
import { EndTxnApi } from '../../src/protocol/messages/end-txn.ts'
import { DescribeTransactionsApi } from '../../src/protocol/messages/describe-transactions.ts'
import { ListTransactionsApi } from '../../src/protocol/messages/list-transactions.ts'
import { startIamNode } from '../helpers/iam-node.ts'
import { allow, arn, connectAdmin, connectAs } from '../helpers/iam-policies.ts'
import { createTopics, type WireClient } from '../helpers/wire-client.ts'

const { CLUSTER_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED, TRANSACTIONAL_ID_AUTHORIZATION_FAILED } = ErrorCode

async function initProducerId (client: WireClient, transactionalId: string | null) {
  return await client.request(InitProducerIdApi, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })
}

test('IAM authorization of producer ids and transactions', async t => {
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'orders' }, { name: 'payments' }])
  const admin = await connectAdmin(t, node)
  const other = await initProducerId(admin, 'txn-b')
  assert.equal(other.errorCode, 0)

  await t.test('InitProducerId: AlterTransactionalId for a transactional id, WriteDataIdempotently on the cluster otherwise', async t => {
    const { client: reader } = await connectAs(t, node, 'reader-only', [allow(['DescribeTopic', 'WriteData'], [arn.topic('*')])])
    assert.equal((await initProducerId(reader, null)).errorCode, CLUSTER_AUTHORIZATION_FAILED)
    assert.equal((await initProducerId(reader, 'txn-a')).errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED)

    const { client: producer } = await connectAs(t, node, 'idempotent-producer', [
      allow(['WriteDataIdempotently'], [arn.cluster]), allow(['AlterTransactionalId'], [arn.transactionalId('txn-*')])
    ])
    const idempotent = await initProducerId(producer, null)
    assert.deepEqual([idempotent.errorCode, idempotent.producerId >= 0], [0, true])
    assert.equal((await initProducerId(producer, 'txn-a')).errorCode, 0)
  })

  await t.test('the transaction APIs check the transactional id first, then the group, then each topic', async t => {
    const { client } = await connectAs(t, node, 'transactional-producer', [
      allow(['AlterTransactionalId'], [arn.transactionalId('txn-a')]),
      allow(['WriteData', 'ReadData'], [arn.topic('orders')]),
      allow(['AlterGroup'], [arn.group('app-*')])
    ])
    const { producerId, producerEpoch } = await initProducerId(client, 'txn-a')
    const producer = { producerId, producerEpoch }
    const addPartitions = async (transactionalId: string, names: string[]) => {
      const response = await client.request(AddPartitionsToTxnApi, 3, {
        transactions: [],
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: producerId,
        v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: names.map(name => ({ name, partitions: [0] }))
      })
      return response.resultsByTopicV3AndBelow.map(topic => [topic.name, topic.resultsByPartition[0]?.partitionErrorCode])
    }
    assert.deepEqual(await addPartitions('txn-b', ['orders']), [['orders', TRANSACTIONAL_ID_AUTHORIZATION_FAILED]])
    assert.deepEqual(await addPartitions('txn-a', ['orders', 'payments']), [['orders', ErrorCode.OPERATION_NOT_ATTEMPTED], ['payments', TOPIC_AUTHORIZATION_FAILED]])
    assert.deepEqual(await addPartitions('txn-a', ['orders']), [['orders', 0]])

    const addOffsets = async (transactionalId: string, groupId: string) =>
      (await client.request(AddOffsetsToTxnApi, 3, { transactionalId, groupId, ...producer })).errorCode
    assert.equal(await addOffsets('txn-b', 'other'), TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'the transactional id is checked before the group')
    assert.equal(await addOffsets('txn-a', 'other'), GROUP_AUTHORIZATION_FAILED)
    assert.equal(await addOffsets('txn-a', 'app-1'), 0)

    const commitOffsets = async (transactionalId: string, groupId: string) => {
      const response = await client.request(TxnOffsetCommitApi, 3, {
        transactionalId,
        groupId,
        ...producer,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: ['orders', 'payments'].map(name => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, committedMetadata: null }] }))
      })
      return new Map(response.topics.map(topic => [topic.name, topic.partitions[0]?.errorCode]))
    }
    assert.deepEqual(await commitOffsets('txn-b', 'app-1'), new Map([['orders', TRANSACTIONAL_ID_AUTHORIZATION_FAILED], ['payments', TRANSACTIONAL_ID_AUTHORIZATION_FAILED]]))
    assert.deepEqual(await commitOffsets('txn-a', 'other'), new Map([['orders', GROUP_AUTHORIZATION_FAILED], ['payments', GROUP_AUTHORIZATION_FAILED]]))
    assert.deepEqual(await commitOffsets('txn-a', 'app-1'), new Map([['orders', 0], ['payments', TOPIC_AUTHORIZATION_FAILED]]))

    const endTxn = async (transactionalId: string) => (await client.request(EndTxnApi, 3, { transactionalId, ...producer, committed: true })).errorCode
    assert.equal(await endTxn('txn-b'), TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    assert.equal(await endTxn('txn-a'), 0)
  })

  await t.test('DescribeTransactions per id whether or not it exists; ListTransactions lists only describable ids', async t => {
    const { client } = await connectAs(t, node, 'transaction-viewer', [allow(['DescribeTransactionalId'], [arn.transactionalId('txn-a')])])
    const described = await client.request(DescribeTransactionsApi, 0, { transactionalIds: ['txn-a', 'txn-b', 'txn-never'] })
    assert.deepEqual(described.transactionStates.map(state => [state.transactionalId, state.errorCode]),
      [['txn-a', 0], ['txn-b', TRANSACTIONAL_ID_AUTHORIZATION_FAILED], ['txn-never', TRANSACTIONAL_ID_AUTHORIZATION_FAILED]])
    const listed = await client.request(ListTransactionsApi, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1 })
    assert.equal(listed.errorCode, 0)
    assert.deepEqual(listed.transactionStates.map(state => state.transactionalId), ['txn-a'])
    const everything = await admin.request(ListTransactionsApi, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1 })
    assert.deepEqual(everything.transactionStates.map(state => state.transactionalId).sort(), ['txn-a', 'txn-b'])
  })
})
