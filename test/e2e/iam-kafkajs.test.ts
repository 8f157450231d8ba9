// KafkaJS against the IAM listener (TLS + SASL): OAUTHBEARER with tokens from the real
// aws-msk-iam-sasl-signer-js and the AWS_MSK_IAM mechanism plugin
// (@jm18457/kafkajs-msk-iam-authentication-mechanism), then a policy matrix with real clients:
// the guide's policy grants what it says, a one-topic policy, an explicit Deny, no policy, and
// expired, tampered, wrong-region and unknown-key tokens refused with error 58 and the reason logged.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { createMechanism } from '@jm18457/kafkajs-msk-iam-authentication-mechanism'
import { GUIDE_ACCOUNT, GUIDE_CLUSTER, GUIDE_POLICY, mintToken, REGION, startIamNode, type IamNode, type TestUser } from '../helpers/iam-node.ts'
import { mintShortLivedToken, tamperToken, tokenUrl } from '../helpers/token-file.ts'
import { delay, waitFor } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs
type KafkaConfig = ConstructorParameters<typeof Kafka>[0]

const TOPIC_ARN = `arn:aws:kafka:${REGION}:${GUIDE_ACCOUNT}:topic/${GUIDE_CLUSTER}`
const CLUSTER_ARN = `arn:aws:kafka:${REGION}:${GUIDE_ACCOUNT}:cluster/${GUIDE_CLUSTER}`
const ACCESS_DENIED = /SASL OAUTHBEARER authentication failed: \[[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\]: Access denied/

function policy (...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

const CONNECT = { Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: `${CLUSTER_ARN}/*` }

function baseConfig (node: IamNode, name: string): KafkaConfig {
  return {
    clientId: `skiff-iam-${name}`,
    brokers: [node.iamBootstrap],
    ssl: { ca: [node.caPem] },
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 }
  }
}

function kafkaFor (node: IamNode, user: TestUser, tokenOf: () => Promise<string> = async () => (await mintToken(user)).token): kafkajs.Kafka {
  return new Kafka({ ...baseConfig(node, user.name), sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await tokenOf() }) } })
}

/** The Kafka error type (TOPIC_AUTHORIZATION_FAILED ...) somewhere in a KafkaJS error's chain, or its messages. */
function errorTypes (error: unknown): string {
  const parts: string[] = []
  let current = error as { type?: string, message?: string, cause?: unknown, originalError?: unknown } | undefined
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    parts.push(`${current.type ?? ''} ${current.message ?? ''}`)
    current = (current.cause ?? current.originalError) as typeof current
  }
  return parts.join(' | ')
}

async function refusal (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return errorTypes(error)
  }
  assert.fail('expected the client to be refused')
}

test('KafkaJS over MSK IAM', async t => {
  const clients: Array<{ disconnect: () => Promise<void> }> = []
  // Registered before the node's own cleanup, so the clients leave while the node still runs.
  t.after(async () => { for (const client of clients) await client.disconnect().catch(() => {}) })
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'user-events', partitions: 2 }, { name: 'orders', partitions: 1 }])
  const track = <T extends { disconnect: () => Promise<void> }>(client: T): T => { clients.push(client); return client }

  /** Produces one record to each topic and reads every record of `topic` back in a consumer group. */
  async function roundTrip (kafka: kafkajs.Kafka, topic: string, group: string): Promise<string[]> {
    const producer = track(kafka.producer())
    await producer.connect()
    const values = [`${group}-1`, `${group}-2`, `${group}-3`]
    await producer.send({ topic, messages: values.map(value => ({ key: value, value })) })
    const consumer = track(kafka.consumer({ groupId: group, maxWaitTimeInMs: 200 }))
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value?.toString() ?? '') } })
    await waitFor(() => values.every(value => seen.includes(value)), { what: `${group} to read its records`, timeoutMs: 30_000 })
    await consumer.disconnect()
    await producer.disconnect()
    return seen
  }

  await t.test('OAUTHBEARER: the guide\'s policy lets a producer, a consumer group and an admin through', async () => {
    const user = node.addUser('guide-user', [GUIDE_POLICY])
    const kafka = kafkaFor(node, user)
    await roundTrip(kafka, 'user-events', 'event-processor')
    const admin = track(kafka.admin())
    await admin.connect()
    assert.deepEqual((await admin.listTopics()).sort(), ['orders', 'user-events'])
    // The token is the signer's: a presigned kafka-cluster:Connect URL for the regional host.
    const url = tokenUrl((await mintToken(user)).token)
    assert.equal(url.host, `kafka.${REGION}.amazonaws.com`)
    assert.equal(url.searchParams.get('Action'), 'kafka-cluster:Connect')
    assert.ok(node.logs.lines.some(line => line.msg === 'SASL authenticated' && line.mechanism === 'OAUTHBEARER' && line.principal === user.principal.arn))
  })

  await t.test('AWS_MSK_IAM: the kafkajs plugin (SigV4 JSON payload) produces and consumes in a group', async () => {
    const user = node.addUser('plugin-user', [GUIDE_POLICY])
    const kafka = new Kafka({
      ...baseConfig(node, user.name),
      sasl: createMechanism({ region: REGION, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } })
    })
    await roundTrip(kafka, 'user-events', 'plugin-group')
    assert.ok(node.logs.lines.some(line => line.msg === 'SASL authenticated' && line.mechanism === 'AWS_MSK_IAM' && line.principal === user.principal.arn))
  })

  await t.test('the guide\'s policy grants neither idempotent nor transactional writes: such producers are refused', async () => {
    const guideOnly = kafkaFor(node, node.addUser('guide-idempotent', [GUIDE_POLICY]))
    const idempotent = track(guideOnly.producer({ idempotent: true, maxInFlightRequests: 1 }))
    // KafkaJS asks for a producer id on connect: kafka-cluster:WriteDataIdempotently on the cluster.
    assert.match(await refusal(idempotent.connect()), /CLUSTER_AUTHORIZATION_FAILED/)

    const withIdempotence = JSON.parse(GUIDE_POLICY) as { Statement: object[] }
    withIdempotence.Statement.push({ Effect: 'Allow', Action: 'kafka-cluster:WriteDataIdempotently', Resource: `${CLUSTER_ARN}/*` })
    const kafka = kafkaFor(node, node.addUser('guide-txn', [JSON.stringify(withIdempotence)]))
    const producer = track(kafka.producer({ transactionalId: 'guide-txn-1', maxInFlightRequests: 1, idempotent: true }))
    const problem = await refusal((async () => {
      await producer.connect()
      const transaction = await producer.transaction()
      await transaction.send({ topic: 'user-events', messages: [{ value: 'in a transaction' }] })
      await transaction.commit()
    })())
    // KafkaJS reports the FindCoordinator refusal (TRANSACTIONAL_ID_AUTHORIZATION_FAILED) as a coordinator
    // it could not find; the node's log says what was denied.
    assert.match(problem, /TRANSACTIONAL_ID_AUTHORIZATION_FAILED|Failed to find group coordinator/)
    assert.ok(node.logs.lines.some(line => line.principal === `arn:aws:iam::${GUIDE_ACCOUNT}:user/guide-txn` &&
      line.action === 'kafka-cluster:DescribeTransactionalId' && String(line.resource).endsWith('/guide-txn-1')),
    'the denial of kafka-cluster:DescribeTransactionalId on the transactional id is logged')
  })

  await t.test('a policy naming one topic (.../user-events) allows that topic and denies another', async () => {
    const user = node.addUser('one-topic', [policy(CONNECT, {
      Effect: 'Allow',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData', 'kafka-cluster:ReadData'],
      Resource: `${TOPIC_ARN}/*/user-events`
    })])
    const kafka = kafkaFor(node, user)
    const producer = track(kafka.producer())
    await producer.connect()
    const [written] = await producer.send({ topic: 'user-events', messages: [{ value: 'allowed' }] })
    assert.equal(written?.errorCode, 0)
    assert.match(await refusal(producer.send({ topic: 'orders', messages: [{ value: 'denied' }] })), /TOPIC_AUTHORIZATION_FAILED/)
    const admin = track(kafka.admin())
    await admin.connect()
    assert.deepEqual(await admin.listTopics(), ['user-events'], 'Metadata lists only the topic the user may describe')
    const denial = node.logs.lines.find(line => line.principal === user.principal.arn && line.msg.startsWith('denied:') && String(line.resource).endsWith('/orders'))
    assert.ok(denial !== undefined, 'the denial is logged with principal, action and resource')
    assert.match(String(denial.action), /^kafka-cluster:(DescribeTopic|WriteData)$/)
  })

  await t.test('an explicit Deny wins over the guide\'s Allow', async () => {
    const user = node.addUser('denied-orders', [GUIDE_POLICY, policy({ Effect: 'Deny', Action: 'kafka-cluster:WriteData', Resource: `${TOPIC_ARN}/*/orders` })])
    const kafka = kafkaFor(node, user)
    const producer = track(kafka.producer())
    await producer.connect()
    const [written] = await producer.send({ topic: 'user-events', messages: [{ value: 'still allowed' }] })
    assert.equal(written?.errorCode, 0)
    assert.match(await refusal(producer.send({ topic: 'orders', messages: [{ value: 'denied' }] })), /TOPIC_AUTHORIZATION_FAILED/)
    // Reading orders is not denied.
    const admin = track(kafka.admin())
    await admin.connect()
    assert.ok((await admin.fetchTopicOffsets('orders')).length === 1)
  })

  await t.test('a user without any policy is refused at authentication (kafka-cluster:Connect)', async () => {
    const user = node.addUser('no-policy', [])
    const producer = track(kafkaFor(node, user).producer())
    assert.match(await refusal(producer.connect()), ACCESS_DENIED)
    const logged = node.logs.warnings('SASL authentication failed').find(line => String(line.reason).includes('kafka-cluster:Connect'))
    assert.ok(logged !== undefined, 'the log says Connect was denied')
  })

  const refusedTokens: Array<[string, (user: TestUser) => Promise<string>, string]> = [
    ['expired', async user => { const token = await mintShortLivedToken(user, 1500); await delay(2500); return token }, 'expired'],
    ['tampered', async user => tamperToken((await mintToken(user)).token), 'bad-signature'],
    ['wrong-region', async user => (await mintToken(user, 'eu-west-1')).token, 'wrong-region'],
    ['unknown-key', async () => (await mintToken({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'not-a-key-skiff-knows' })).token, 'unknown-key']
  ]
  for (const [kind, tokenFor, reason] of refusedTokens) {
    await t.test(`token ${kind}: refused with error 58 "[<uuid>]: Access denied" and the reason logged`, async () => {
      const user = node.addUser(`token-${kind}`, [GUIDE_POLICY])
      const token = await tokenFor(user)
      const before = node.logs.lines.length
      const producer = track(kafkaFor(node, user, async () => token).producer())
      const problem = await refusal(producer.connect())
      assert.match(problem, ACCESS_DENIED)
      const requestId = /\[([0-9a-f-]{36})\]/.exec(problem)?.[1]
      const logged = node.logs.lines.slice(before).find(line => line.msg === 'SASL authentication failed' && line.requestId === requestId)
      assert.ok(logged !== undefined, `a log line carries request id ${requestId}`)
      assert.match(String(logged.reason), new RegExp(`^${reason}`))
      assert.ok(!JSON.stringify(node.logs.lines).includes(user.secretAccessKey), 'the secret is never logged')
    })
  }
})
