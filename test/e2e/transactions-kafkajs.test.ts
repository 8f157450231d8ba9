// Transactions with KafkaJS: a consume-transform-produce loop whose transactions carry the group's
// offsets (some aborted after writing poison, then redone), read back by a read_committed consumer
// exactly once; offsets of an aborted transaction are never committed; a producer fenced by a newer
// instance with the same transactional id.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs, { type EachMessagePayload, type Producer } from 'kafkajs'
import { startTestNode } from '../helpers/start-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs

test('KafkaJS transactions', async t => {
  const clients: Array<{ disconnect: () => Promise<void> }> = []
  t.after(async () => { for (const client of clients) await client.disconnect().catch(() => {}) })
  const { bootstrap } = await startTestNode(t, { config: { groups: { initialRebalanceDelayMs: 200 } } })
  const kafka = new Kafka({ clientId: 'skiff-e2e-kafkajs-txn', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const transactionalProducer = async (transactionalId: string): Promise<Producer> => {
    const producer = kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true })
    clients.push(producer)
    await producer.connect()
    return producer
  }
  const readCommitted = async (topic: string, expected: number, groupId: string): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 500 })
    clients.push(consumer)
    const values: string[] = []
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }: EachMessagePayload) => { values.push(message.value!.toString()) } })
    await waitFor(() => values.length >= expected, { timeoutMs: 30_000, what: `${expected} committed records of ${topic}` })
    // Give a stray aborted record the time to show up if the node let one through.
    await new Promise(resolve => setTimeout(resolve, 500))
    await consumer.disconnect()
    return values
  }

  await t.test('consume-transform-produce: each input once in the output, aborted work invisible, offsets committed with the output', async () => {
    const input = 'kafkajs-txn-in'
    const output = 'kafkajs-txn-out'
    const group = 'kafkajs-ctp'
    await createTopics(bootstrap, [{ name: input, partitions: 2 }, { name: output, partitions: 2 }])
    const plain = kafka.producer()
    clients.push(plain)
    await plain.connect()
    const count = 40
    await plain.send({ topic: input, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `in-${i}` })) })

    const producer = await transactionalProducer('kafkajs-ctp')
    const consumer = kafka.consumer({ groupId: group, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 500 })
    clients.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topic: input, fromBeginning: true })
    const aborted = new Set<string>()
    let copied = 0
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }: EachMessagePayload) => {
        const value = message.value!.toString()
        const transaction = await producer.transaction()
        await transaction.send({ topic: output, messages: [{ key: message.key, value: `out-${value}` }] })
        await transaction.sendOffsets({
          consumerGroupId: group, topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }]
        })
        if (Number(value.slice(3)) % 5 === 2 && !aborted.has(value)) {
          aborted.add(value)
          await transaction.send({ topic: output, messages: [{ value: 'poison' }] })
          await transaction.abort()
          throw new Error(`aborted ${value} on purpose; KafkaJS redelivers it`)
        }
        await transaction.commit()
        copied++
      }
    })
    await waitFor(() => copied >= count, { timeoutMs: 60_000, what: `all ${count} inputs copied` })
    await consumer.disconnect()
    assert.ok(aborted.size >= 5, `${aborted.size} transactions were aborted`)

    const values = await readCommitted(output, count, 'kafkajs-ctp-check')
    assert.equal(values.filter(value => value === 'poison').length, 0)
    assert.deepEqual([...values].sort(), Array.from({ length: count }, (_, i) => `out-in-${i}`).sort())

    const admin = kafka.admin()
    clients.push(admin)
    await admin.connect()
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [input] })
    const total = offsets!.partitions.reduce((sum, entry) => sum + Number(entry.offset), 0)
    assert.equal(total, count, 'the committed offsets cover every input, each partition at its end')
  })

  await t.test('the offsets of an aborted transaction are not committed', async () => {
    const topic = 'kafkajs-txn-offsets'
    await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
    const producer = await transactionalProducer('kafkajs-offsets')
    const admin = kafka.admin()
    clients.push(admin)
    await admin.connect()
    const send = async (offset: string, commit: boolean): Promise<void> => {
      const transaction = await producer.transaction()
      await transaction.send({ topic, messages: [{ value: `at-${offset}` }] })
      await transaction.sendOffsets({ consumerGroupId: 'kafkajs-offsets-group', topics: [{ topic, partitions: [{ partition: 0, offset }] }] })
      await (commit ? transaction.commit() : transaction.abort())
    }
    await send('5', true)
    await send('9', false)
    const [offsets] = await admin.fetchOffsets({ groupId: 'kafkajs-offsets-group', topics: [topic] })
    assert.equal(offsets!.partitions[0]!.offset, '5')
  })

  await t.test('a producer fenced by a newer instance with the same transactional id cannot go on', async () => {
    const topic = 'kafkajs-txn-fence'
    await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
    const first = await transactionalProducer('kafkajs-fenced')
    const transaction = await first.transaction()
    await transaction.send({ topic, messages: [{ value: 'from-the-fenced-producer' }] })
    const second = await transactionalProducer('kafkajs-fenced')
    // KafkaJS asks for its producer id when the first transaction begins, not on connect.
    const next = await second.transaction()
    await assert.rejects(transaction.commit(), (error: Error) => /epoch|fenced/i.test(`${error.name} ${error.message}`),
      'the fenced producer cannot commit')
    await next.send({ topic, messages: [{ value: 'from-the-new-producer' }] })
    await next.commit()
    assert.deepEqual(await readCommitted(topic, 1, 'kafkajs-fence-check'), ['from-the-new-producer'])
  })
})
