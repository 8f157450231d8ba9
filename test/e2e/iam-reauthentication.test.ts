// KIP-368 re-authentication on the IAM listener with a short session lifetime (6 s): a KafkaJS
// consumer group member re-authenticates on its connections and keeps consuming past several
// session ends without being disconnected; confluent-kafka 1.7 / librdkafka 2.0.2 (which predates
// librdkafka's KIP-368 support) is disconnected at each session end and keeps consuming only by
// reconnecting and authenticating again with a fresh token from its oauth_cb.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { GUIDE_POLICY, mintToken, startIamNode, type IamNode, type TestUser } from '../helpers/iam-node.ts'
import { LineProcess } from '../helpers/line-process.ts'
import { PYTHON } from '../helpers/run.ts'
import { repositoryRoot } from '../helpers/spawn-node.ts'
import { makeTempDir } from '../helpers/start-node.ts'
import { TokenFile } from '../helpers/token-file.ts'
import { delay, waitFor } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs

const SESSION_LIFETIME_MS = 6000
/** Long enough for three session ends of every connection. */
const RUN_MS = 4 * SESSION_LIFETIME_MS

function kafkaFor (node: IamNode, user: TestUser): kafkajs.Kafka {
  return new Kafka({
    clientId: `skiff-reauth-${user.name}`,
    brokers: [node.iamBootstrap],
    ssl: { ca: [node.caPem] },
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: (await mintToken(user)).token }) },
    // KafkaJS re-authenticates a connection before a request once less than this remains of its session.
    reauthenticationThreshold: 2000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 }
  })
}

/** Produces one record every 200 ms for `durationMs`; resolves with the values sent. */
async function produceFor (kafka: kafkajs.Kafka, topic: string, durationMs: number): Promise<string[]> {
  const producer = kafka.producer()
  await producer.connect()
  const sent: string[] = []
  const end = Date.now() + durationMs
  try {
    for (let index = 0; Date.now() < end; index++) {
      const value = `record-${index}`
      await producer.send({ topic, messages: [{ key: String(index % 3), value }] })
      sent.push(value)
      await delay(200)
    }
  } finally {
    await producer.disconnect()
  }
  return sent
}

function expiredClosesOf (node: IamNode, user: TestUser): number {
  return node.logs.warnings('the SASL session expired').filter(line => line.principal === user.principal.arn).length
}

function linesOf (node: IamNode, user: TestUser, msg: string): number {
  return node.logs.lines.filter(line => line.msg === msg && line.principal === user.principal.arn).length
}

test('SASL re-authentication (KIP-368) with a 6 s session lifetime', async t => {
  const node = await startIamNode(t, { sasl: { maxSessionLifetimeMs: SESSION_LIFETIME_MS } })
  await createTopics(node.bootstrap, [{ name: 'reauth-kafkajs', partitions: 2 }, { name: 'reauth-confluent', partitions: 2 }])

  await t.test('a KafkaJS consumer re-authenticates and keeps consuming past several session ends', async st => {
    const consumerUser = node.addUser('reauth-consumer', [GUIDE_POLICY])
    const producerUser = node.addUser('reauth-producer', [GUIDE_POLICY])
    const consumer = kafkaFor(node, consumerUser).consumer({ groupId: 'reauth-kafkajs', maxWaitTimeInMs: 500, heartbeatInterval: 1000 })
    st.after(() => consumer.disconnect())
    await consumer.connect()
    await consumer.subscribe({ topic: 'reauth-kafkajs', fromBeginning: true })
    const received: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { received.push(message.value?.toString() ?? '') } })

    const sent = await produceFor(kafkaFor(node, producerUser), 'reauth-kafkajs', RUN_MS)
    await waitFor(() => sent.every(value => received.includes(value)), { what: 'the KafkaJS consumer to read every record', timeoutMs: 30_000 })
    assert.equal(new Set(received).size, sent.length)
    assert.ok(linesOf(node, consumerUser, 'SASL re-authenticated') >= 3,
      `the consumer re-authenticated ${linesOf(node, consumerUser, 'SASL re-authenticated')} times in ${RUN_MS} ms`)
    assert.equal(expiredClosesOf(node, consumerUser), 0, 'no consumer connection was closed for an expired session')
    assert.equal(expiredClosesOf(node, producerUser), 0, 'no producer connection was closed for an expired session')
    assert.ok(node.logs.lines.filter(line => line.msg === 'SASL re-authenticated').every(line => line.sessionLifetimeMs as number <= SESSION_LIFETIME_MS))
  })

  await t.test('confluent-kafka (no KIP-368 in librdkafka 2.0.2) is disconnected at each session end and consumes on by reconnecting', async st => {
    const consumerUser = node.addUser('confluent-consumer', [GUIDE_POLICY])
    const producerUser = node.addUser('confluent-producer', [GUIDE_POLICY])
    const caFile = path.join(makeTempDir(st, 'skiff-ca-'), 'ca.pem')
    writeFileSync(caFile, node.caPem)
    const tokens = new TokenFile(st)
    await tokens.keepFresh(consumerUser, 2000)
    const consumer = new LineProcess<{ value?: string, assigned?: number[] }>(st, 'confluent consumer', PYTHON, [
      path.join(repositoryRoot, 'test/e2e/iam_python_clients.py'), 'confluent-forever', node.iamBootstrap, 'reauth-confluent', caFile, tokens.path, 'reauth-confluent'
    ])
    await consumer.waitForLine(line => line.assigned !== undefined)
    const sent = await produceFor(kafkaFor(node, producerUser), 'reauth-confluent', RUN_MS)
    await waitFor(() => sent.every(value => consumer.lines.some(line => line.value === value)), { what: 'the confluent consumer to read every record', timeoutMs: 30_000 })
    assert.ok(expiredClosesOf(node, consumerUser) >= 2, `expired-session closes: ${expiredClosesOf(node, consumerUser)}`)
    assert.ok(linesOf(node, consumerUser, 'SASL authenticated') >= 3, 'it authenticated again on new connections')
    assert.equal(linesOf(node, consumerUser, 'SASL re-authenticated'), 0)
  })
})
