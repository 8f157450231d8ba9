// @platformatic/kafka 1.x over the IAM listener: TLS + SASL OAUTHBEARER with a token provider
// calling the real aws-msk-iam-sasl-signer-js; a producer and a consumer group round-trip records,
// a topic outside the user's policy is refused, and with a short session lifetime its connections
// re-authenticate (KIP-368, on a timer) instead of being closed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Admin, Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { GUIDE_ACCOUNT, GUIDE_CLUSTER, GUIDE_POLICY, mintToken, REGION, startIamNode, type IamNode, type TestUser } from '../helpers/iam-node.ts'
import { delay } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

function clientOptions (node: IamNode, user: TestUser) {
  return {
    bootstrapBrokers: [node.iamBootstrap],
    tls: { ca: [node.caPem] },
    sasl: { mechanism: 'OAUTHBEARER' as const, token: async () => (await mintToken(user)).token },
    retries: 1,
    timeout: 20_000
  }
}

test('@platformatic/kafka with OAUTHBEARER MSK IAM tokens', async t => {
  const node = await startIamNode(t, { sasl: { maxSessionLifetimeMs: 4000 } })
  await createTopics(node.bootstrap, [{ name: 'user-events', partitions: 3 }, { name: 'orders', partitions: 1 }])

  await t.test('a producer and a consumer group round-trip records with the guide\'s policy', async st => {
    const user = node.addUser('platformatic-guide', [GUIDE_POLICY])
    const producer = new Producer({ clientId: 'skiff-iam-platformatic-producer', ...clientOptions(node, user), serializers: stringSerializers, idempotent: false, acks: ProduceAcks.ALL })
    st.after(() => producer.close())
    const values = Array.from({ length: 30 }, (_, index) => `event-${index}`)
    const result = await producer.send({ messages: values.map((value, index) => ({ topic: 'user-events', key: `user-${index % 5}`, value })) })
    assert.ok((result.offsets ?? []).length > 0, 'acks=all answers the offsets written')

    const consumer = new Consumer({ clientId: 'skiff-iam-platformatic-consumer', groupId: 'platformatic-group', ...clientOptions(node, user), deserializers: stringDeserializers })
    st.after(() => consumer.close(true))
    const stream = await consumer.consume({ topics: ['user-events'], mode: MessagesStreamModes.EARLIEST })
    const seen: string[] = []
    for await (const message of stream) {
      seen.push(message.value)
      if (seen.length === values.length) break
    }
    await stream.close()
    assert.deepEqual(seen.sort(), [...values].sort())
  })

  await t.test('a topic outside a one-topic policy is refused, and Metadata hides it', async st => {
    const user = node.addUser('platformatic-one-topic', [JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: `arn:aws:kafka:${REGION}:${GUIDE_ACCOUNT}:cluster/${GUIDE_CLUSTER}/*` },
        { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: `arn:aws:kafka:${REGION}:${GUIDE_ACCOUNT}:topic/${GUIDE_CLUSTER}/*/user-events` }
      ]
    })])
    const admin = new Admin({ clientId: 'skiff-iam-platformatic-admin', ...clientOptions(node, user) })
    st.after(() => admin.close())
    assert.deepEqual(await admin.listTopics(), ['user-events'])
    const producer = new Producer({ clientId: 'skiff-iam-platformatic-one-topic', ...clientOptions(node, user), serializers: stringSerializers, idempotent: false, acks: ProduceAcks.ALL })
    st.after(() => producer.close())
    await producer.send({ messages: [{ topic: 'user-events', value: 'allowed' }] })
    await assert.rejects(producer.send({ messages: [{ topic: 'orders', value: 'denied' }] }), (error: Error) => {
      assert.match(JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error), /TOPIC_AUTHORIZATION_FAILED|authoriz/i)
      return true
    })
  })

  await t.test('with a 4 s session lifetime its connections re-authenticate and are never closed for it', async st => {
    const user = node.addUser('platformatic-reauth', [GUIDE_POLICY])
    const producer = new Producer({ clientId: 'skiff-iam-platformatic-reauth', ...clientOptions(node, user), serializers: stringSerializers, idempotent: false, acks: ProduceAcks.ALL })
    st.after(() => producer.close())
    const end = Date.now() + 13_000
    let sent = 0
    while (Date.now() < end) {
      await producer.send({ messages: [{ topic: 'user-events', value: `reauth-${sent++}` }] })
      await delay(250)
    }
    const reauthentications = node.logs.lines.filter(line => line.msg === 'SASL re-authenticated' && line.principal === user.principal.arn)
    assert.ok(reauthentications.length >= 2, `re-authenticated ${reauthentications.length} times`)
    assert.equal(node.logs.warnings('the SASL session expired').filter(line => line.principal === user.principal.arn).length, 0)
  })
})
