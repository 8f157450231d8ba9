// Idempotent producers of real clients whose connections are cut mid-flight: a TCP proxy between
// client and node swallows the node's answers for a moment (the requests land and commit, the
// client never hears) and then cuts every connection, so the client reconnects and retries what
// it had in flight. The node must recognise each retry and store every record exactly once, in
// order: confluent-kafka (librdkafka) and KafkaJS through the proxy, kcat directly.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { DescribeProducersApi } from '../../src/protocol/messages/describe-producers.ts'
import { kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { checkStoredRecords, readAllRecords, startProduceLoop } from '../helpers/produce-loop.ts'
import { startTestNode, makeTempDir, type TestNode } from '../helpers/start-node.ts'
import { TcpProxy } from '../helpers/tcp-proxy.ts'
import { delay } from '../helpers/wait-for.ts'
import { WireClient, createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs

/**
 * A node on 127.0.0.1 advertising 127.0.0.2, and a proxy on 127.0.0.2 and the same port: clients
 * bootstrapping through the proxy keep going through it, whatever Metadata tells them.
 */
async function startProxiedNode (t: Parameters<typeof startTestNode>[0]): Promise<{ node: TestNode, proxy: TcpProxy, bootstrap: string }> {
  const node = await startTestNode(t, { config: { host: '127.0.0.1', advertisedHost: '127.0.0.2' } })
  const proxy = await TcpProxy.start(t, { host: '127.0.0.2', port: node.port }, { host: '127.0.0.1', port: node.port })
  return { node, proxy, bootstrap: `127.0.0.2:${node.port}` }
}

/** Swallows the node's answers for `swallowMs`, then cuts every connection. */
async function cutMidFlight (proxy: TcpProxy, swallowMs: number): Promise<void> {
  proxy.swallowResponses()
  await delay(swallowMs)
  proxy.cutAll()
}

async function producerIdsOf (bootstrap: string, topic: string, partitions: number[]): Promise<number[]> {
  const client = await WireClient.connect(bootstrap)
  try {
    const response = await client.request(DescribeProducersApi, 0, { topics: [{ name: topic, partitionIndexes: partitions }] })
    return [...new Set(response.topics[0]?.partitions.flatMap(partition => partition.activeProducers.map(state => state.producerId)) ?? [])]
  } finally {
    client.close()
  }
}

test('confluent-kafka with enable.idempotence=true stores every record exactly once and in order while its connections are cut mid-flight', async t => {
  const { proxy, bootstrap } = await startProxiedNode(t)
  const topic = 'idempotent-confluent'
  const partitions = 3
  await createTopics(bootstrap, [{ name: topic, partitions }])
  const loop = startProduceLoop(t, { bootstrap, topic, partitions, workDir: makeTempDir(t, 'skiff-idempotent-'), isIdempotent: true })
  const cuts = 8
  let swallowedRounds = 0
  for (let cut = 1; cut <= cuts; cut++) {
    await loop.progress(300 + Math.floor(Math.random() * 700), `acknowledgements before cut ${cut}`)
    const swallowedBefore = proxy.swallowedBytes
    await cutMidFlight(proxy, 50 + Math.floor(Math.random() * 250))
    if (proxy.swallowedBytes > swallowedBefore) swallowedRounds++
  }
  await loop.progress(500, 'acknowledgements after the last cut')
  const summary = await loop.stop()
  assert.deepEqual(loop.errors, [], 'no delivery failed')
  assert.equal(summary.undelivered, 0)
  assert.ok(swallowedRounds >= cuts / 2, `answers were lost in flight in ${swallowedRounds} of ${cuts} cuts, so the client had retries to make`)

  const stored = await readAllRecords(bootstrap, topic)
  const total = checkStoredRecords(stored, loop, summary, partitions, true)
  assert.equal(total, summary.produced)
  assert.ok((await producerIdsOf(bootstrap, topic, [0, 1, 2])).length >= 1, 'DescribeProducers shows the producer')
  t.diagnostic(`${summary.produced} records sent, ${total} stored, ${proxy.cutCount} connections cut, ${proxy.swallowedBytes} response bytes swallowed`)
})

test('KafkaJS with idempotent: true stores each batch once when its connection is cut while a send is in flight', async t => {
  const { proxy, bootstrap } = await startProxiedNode(t)
  const topic = 'idempotent-kafkajs'
  await createTopics(bootstrap, [{ name: topic, partitions: 2 }])
  const kafka = new Kafka({
    clientId: 'skiff-e2e-kafkajs-idempotent',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 }
  })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  t.after(() => producer.disconnect())

  const sends = 60
  const sent: string[][] = [[], []]
  for (let index = 0; index < sends; index++) {
    const partition = index % 2
    const values = Array.from({ length: 5 }, (_, record) => `kafkajs-${index}-${record}`)
    const sending = producer.send({ topic, acks: -1, messages: values.map(value => ({ value, partition })) })
    if (index % 10 === 5) await cutMidFlight(proxy, 30)
    await sending
    sent[partition]!.push(...values)
  }
  assert.ok(proxy.cutCount >= 1)

  const stored = await readAllRecords(bootstrap, topic)
  for (const partition of [0, 1]) {
    const values = (stored.records.get(partition) ?? []).map(record => record.value)
    assert.deepEqual(values, sent[partition], `partition ${partition}: every record once, in order`)
  }
  assert.equal((await producerIdsOf(bootstrap, topic, [0, 1])).length, 1, 'one producer id on both partitions')
})

test('kcat with -X enable.idempotence=true produces through InitProducerId and reads every line back once', async t => {
  const { bootstrap } = await startTestNode(t)
  const topic = 'idempotent-kcat'
  await createTopics(bootstrap, [{ name: topic, partitions: 2 }])
  const lines = Array.from({ length: 300 }, (_, index) => `key-${index % 9}:line-${index}`)
  await kcatProduce(bootstrap, topic, lines, ['-K:', '-X', 'enable.idempotence=true', '-X', 'linger.ms=1'])
  const received = await kcatConsume(bootstrap, topic, ['-o', 'beginning'])
  assert.deepEqual(received.map(message => message.payload).sort(), lines.map(line => line.split(':')[1]).sort())
  for (const partition of [0, 1]) {
    const payloads = received.filter(message => message.partition === partition).map(message => Number(message.payload!.slice('line-'.length)))
    assert.deepEqual(payloads, [...payloads].sort((a, b) => a - b), `partition ${partition} keeps the order sent`)
  }
  const producerIds = await producerIdsOf(bootstrap, topic, [0, 1])
  assert.equal(producerIds.length, 1, 'kcat produced as one idempotent producer')
})
