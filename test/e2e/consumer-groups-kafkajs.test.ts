// A KafkaJS consumer group while records keep arriving: a second member joins mid-stream and
// leaves again; the two split the six partitions while both run, the first takes them all back,
// and every record is read (KafkaJS commits after each batch, so a record may be read again only
// when a rebalance cut a batch short).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs, { type Consumer, type EachMessagePayload } from 'kafkajs'
import { startTestNode } from '../helpers/start-node.ts'
import { delay, waitFor } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs
const PARTITIONS = 6

interface Member {
  name: string
  consumer: Consumer
  /** The partitions of the member's latest GROUP_JOIN. */
  assigned: number[]
  values: string[]
}

test('a KafkaJS consumer group splits partitions with a member that joins and leaves mid-stream, reading every record', async t => {
  // Registered before the node's own cleanup so that it runs first (t.after hooks run in order): a
  // KafkaJS client whose broker is gone keeps reconnecting.
  const clients: Array<{ disconnect: () => Promise<void> }> = []
  t.after(async () => { for (const client of clients) await client.disconnect().catch(() => {}) })
  const { bootstrap, logs } = await startTestNode(t, { config: { groups: { initialRebalanceDelayMs: 300 } } })
  const topic = 'kafkajs-group'
  const group = 'kafkajs-group'
  await createTopics(bootstrap, [{ name: topic, partitions: PARTITIONS }])
  const kafka = new Kafka({ clientId: 'skiff-e2e-kafkajs-group', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer()
  clients.push(producer)
  await producer.connect()

  const startMember = async (name: string): Promise<Member> => {
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000 })
    const member: Member = { name, consumer, assigned: [], values: [] }
    consumer.on(consumer.events.GROUP_JOIN, event => { member.assigned = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) })
    clients.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }: EachMessagePayload) => { member.values.push(message.value!.toString()) } })
    return member
  }
  const split = async (members: Member[], what: string): Promise<void> => {
    await waitFor(() => {
      const all = members.flatMap(member => member.assigned).sort((a, b) => a - b)
      return members.every(member => member.assigned.length > 0) && all.length === PARTITIONS && all.every((partition, index) => partition === index)
    }, { timeoutMs: 30_000, what: `${what}: the partitions split between ${members.map(member => member.name).join(' and ')}` })
  }

  const first = await startMember('first')
  await split([first], 'one member')
  const sent: string[] = []
  let isProducing = true
  const production = (async () => {
    // eslint-disable-next-line no-unmodified-loop-condition -- set by another task of this test
    for (let round = 0; isProducing; round++) {
      const messages = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `r${round}-p${partition}` }))
      await producer.send({ topic, acks: -1, messages })
      sent.push(...messages.map(message => message.value))
      await delay(30)
    }
  })()
  await delay(500)
  const second = await startMember('second')
  await split([first, second], 'second joined')
  assert.deepEqual([first.assigned.length, second.assigned.length], [3, 3])
  await delay(1000)
  assert.ok(second.values.length > 0, 'the second member reads its share')
  await second.consumer.disconnect()
  await split([first], 'second left')
  await delay(500)
  isProducing = false
  await production
  await waitFor(() => new Set([...first.values, ...second.values]).size >= sent.length, { timeoutMs: 30_000, what: 'every record read' })

  const seen = new Set([...first.values, ...second.values])
  assert.deepEqual(sent.filter(value => !seen.has(value)), [], 'no record lost')
  const reread = first.values.length + second.values.length - seen.size
  t.diagnostic(`${sent.length} records; first read ${first.values.length}, second ${second.values.length}, read again ${reread}`)
  assert.ok(reread <= PARTITIONS * 2, `few records read twice (${reread})`)
  assert.equal(logs.warnings('group').length, 0, 'no group warnings')
})
