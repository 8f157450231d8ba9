// How policies decide on the IAM listener, seen through Kafka requests: an explicit Deny wins over
// any Allow (and over Kafka's implication of Describe), wildcards in resource ARNs, a policy change
// reaching a live connection once the identity directory's change counter moves, and a log line
// for every denial naming principal, action and resource.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { HeartbeatApi } from '../../src/protocol/messages/heartbeat.ts'
import { EndTxnApi } from '../../src/protocol/messages/end-txn.ts'
import { startIamNode } from '../helpers/iam-node.ts'
import { allow, arn, changePolicies, connectAs, deny } from '../helpers/iam-policies.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { createTopics, type WireClient } from '../helpers/wire-client.ts'

const { TOPIC_AUTHORIZATION_FAILED } = ErrorCode

/** ListOffsets (latest) of partition 0 of each topic: its error code by topic name. */
async function listOffsetErrors (client: WireClient, names: string[]): Promise<Record<string, number | undefined>> {
  const response = await client.request(ListOffsetsApi, 7, {
    replicaId: -1,
    isolationLevel: 0,
    timeoutMs: 1000,
    topics: names.map(name => ({ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }))
  })
  return Object.fromEntries(response.topics.map(topic => [topic.name, topic.partitions[0]?.errorCode]))
}

async function listedTopics (client: WireClient): Promise<string[]> {
  const response = await client.request(MetadataApi, 12, {
    topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
  })
  return response.topics.map(topic => topic.name ?? '').sort()
}

test('IAM policies as the Kafka APIs see them', async t => {
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'orders' }, { name: 'order' }, { name: 'payments' }])

  await t.test('an explicit Deny wins over an Allow of everything and over Kafka\'s implication', async t => {
    const { client } = await connectAs(t, node, 'almost-admin', [
      { Effect: 'Allow', Action: ['kafka-cluster:*'], Resource: ['*'] },
      deny(['DescribeTopic'], [arn.topic('payments')])
    ])
    assert.deepEqual(await listedTopics(client), ['order', 'orders'])
    assert.deepEqual(await listOffsetErrors(client, ['orders', 'payments']), { orders: 0, payments: TOPIC_AUTHORIZATION_FAILED })

    const { client: reader } = await connectAs(t, node, 'reader-denied-describe', [
      allow(['ReadData'], [arn.topic('*')]), deny(['DescribeTopic'], [arn.topic('payments')])
    ])
    assert.deepEqual(await listOffsetErrors(reader, ['orders', 'payments']), { orders: 0, payments: TOPIC_AUTHORIZATION_FAILED },
      'ReadData implies DescribeTopic on orders, but not past a Deny of DescribeTopic')
  })

  await t.test('wildcards: `*` spans the cluster uuid and `?` matches exactly one character', async t => {
    const { client } = await connectAs(t, node, 'wildcard-reader', [allow(['DescribeTopic'], [arn.topic('order?')])])
    assert.deepEqual(await listedTopics(client), ['orders'])
    assert.deepEqual(await listOffsetErrors(client, ['orders', 'order', 'payments']),
      { orders: 0, order: TOPIC_AUTHORIZATION_FAILED, payments: TOPIC_AUTHORIZATION_FAILED })
  })

  await t.test('a policy change reaches a live connection once the Authorizer sees the change counter move', async t => {
    const { client, user } = await connectAs(t, node, 'changing-user', [allow(['DescribeTopic'], [arn.topic('orders')])])
    assert.deepEqual(await listOffsetErrors(client, ['payments']), { payments: TOPIC_AUTHORIZATION_FAILED })
    const counter = await node.identities.changeCounter()

    changePolicies(node, user, [allow(['DescribeTopic'], [arn.topic('*')])])
    assert.ok(await node.identities.changeCounter() > counter)
    await waitFor(async () => (await listOffsetErrors(client, ['payments'])).payments === 0, { what: 'payments to be allowed on the open connection' })
    assert.deepEqual(await listedTopics(client), ['order', 'orders', 'payments'])

    changePolicies(node, user, [allow(['DescribeTopic'], [arn.topic('*')]), deny(['DescribeTopic'], [arn.topic('orders')])])
    await waitFor(async () => (await listOffsetErrors(client, ['orders'])).orders === TOPIC_AUTHORIZATION_FAILED,
      { what: 'orders to be denied on the open connection' })
    assert.deepEqual(await listedTopics(client), ['order', 'payments'])
    assert.equal(client.isClosed, false)
  })

  await t.test('every denial is logged with principal, action and resource, a repeated one too', async t => {
    const { client, user } = await connectAs(t, node, 'logged-user', [allow(['DescribeTopic'], [arn.topic('orders')])])
    // Resources as `arn:aws:kafka:us-east-1:123456789:<type>/serverless-kafka/<cluster uuid>/<name>`.
    const denials = (action: string, type: string, name: string) => node.logs.lines.filter(line =>
      line.msg.startsWith('denied:') && line.principal === user.principal.arn && line.action === action &&
      typeof line.resource === 'string' && new RegExp(`^arn:aws:kafka:us-east-1:123456789:${type}/serverless-kafka/[^/]+/${name}$`).test(line.resource))

    await listOffsetErrors(client, ['payments'])
    await listOffsetErrors(client, ['payments'])
    assert.equal(denials('kafka-cluster:DescribeTopic', 'topic', 'payments').length, 2)
    const [line] = denials('kafka-cluster:DescribeTopic', 'topic', 'payments')
    assert.match(line!.msg, /no statement allows kafka-cluster:DescribeTopic on arn:aws:kafka:us-east-1:123456789:topic\/serverless-kafka\/[^/]+\/payments/)

    await client.request(HeartbeatApi, 4, { groupId: 'some-group', generationId: 1, memberId: 'm', groupInstanceId: null })
    assert.equal(denials('kafka-cluster:AlterGroup', 'group', 'some-group').length, 1)
    await client.request(EndTxnApi, 3, { transactionalId: 'some-txn', producerId: 1, producerEpoch: 0, committed: false })
    assert.equal(denials('kafka-cluster:AlterTransactionalId', 'transactional-id', 'some-txn').length, 1)

    // A listing that leaves a topic out is no denial of a request: nothing is logged for it.
    const before = node.logs.lines.length
    await listedTopics(client)
    assert.equal(node.logs.lines.slice(before).filter(line => line.msg.startsWith('denied:')).length, 0)
  })
})
