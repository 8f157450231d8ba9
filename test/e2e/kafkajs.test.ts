// KafkaJS against a running node: admin (create, describe, configs, delete, offsets) and the
// producer with acks=-1; records are read back with librdkafka, since KafkaJS only consumes in groups.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'

const { Kafka, logLevel, ConfigResourceTypes, CompressionTypes } = kafkajs

interface ConsumedRecord {
  partition: number
  offset: number
  key: string | null
  value: string | null
  headers: Array<[string, string | null]>
}

test('KafkaJS against a running node', async t => {
  const { bootstrap, node } = await startTestNode(t)
  const kafka = new Kafka({ clientId: 'skiff-e2e-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } })
  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())

  await t.test('KafkaJS admin creates a topic with configs, describes it and its configs, and deletes it', async () => {
    const topic = 'kafkajs-admin'
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
      waitForLeaders: true
    })
    assert.equal(created, true)
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), false, 'creating it again reports it exists')
    assert.ok((await admin.listTopics()).includes(topic))

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    const described = metadata.topics.find(entry => entry.name === topic)
    assert.ok(described !== undefined)
    assert.deepEqual(described.partitions.map(partition => partition.partitionId).sort(), [0, 1, 2])
    for (const partition of described.partitions) {
      assert.equal(partition.leader, node.nodeId)
      assert.equal(partition.partitionErrorCode, 0)
    }

    const configs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
      includeSynonyms: false
    })
    const resource = configs.resources[0]
    assert.ok(resource !== undefined)
    assert.equal(resource.errorCode, 0)
    const values = Object.fromEntries(resource.configEntries.map(entry => [entry.configName, entry.configValue]))
    assert.deepEqual(values, { 'retention.ms': '7200000', 'cleanup.policy': 'delete' })

    await admin.deleteTopics({ topics: [topic] })
    assert.ok(!(await admin.listTopics()).includes(topic), 'the deleted topic is no longer listed')
    await assert.rejects(admin.fetchTopicMetadata({ topics: [topic] }), /does not host this topic-partition|UNKNOWN_TOPIC/i)
  })

  await t.test('KafkaJS produces with acks=-1 (plain and gzip); offsets, offsets by timestamp and librdkafka read-back agree', async () => {
    const topic = 'kafkajs-data'
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, retry: { retries: 3 } })
    await producer.connect()
    t.after(() => producer.disconnect())

    const baseTimestamp = Date.now() - 100_000
    const sent: ConsumedRecord[] = []
    const nextOffset = [0, 0]
    for (const [round, compression] of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.None].entries()) {
      const messages = Array.from({ length: 20 }, (_, index) => {
        const sequence = round * 20 + index
        return {
          partition: sequence % 2,
          key: `key-${sequence % 5}`,
          value: `kafkajs-value-${sequence}`,
          headers: { sequence: String(sequence) },
          timestamp: String(baseTimestamp + sequence * 1000)
        }
      })
      const result = await producer.send({ topic, acks: -1, compression, messages })
      for (const entry of result) {
        assert.equal(entry.errorCode, 0)
        assert.equal(Number(entry.baseOffset), nextOffset[entry.partition], `partition ${entry.partition} continues where it was`)
      }
      for (const message of messages) {
        sent.push({
          partition: message.partition,
          offset: nextOffset[message.partition]!++,
          key: message.key,
          value: message.value,
          headers: [['sequence', message.headers.sequence]]
        })
      }
    }

    const offsets = await admin.fetchTopicOffsets(topic)
    assert.deepEqual(offsets.map(entry => ({ partition: entry.partition, low: entry.low, high: entry.high })).sort((a, b) => a.partition - b.partition),
      [{ partition: 0, low: '0', high: '30' }, { partition: 1, low: '0', high: '30' }])
    // In the third (uncompressed) round, sequence 41 (partition 1, offset 20) is the first record
    // at or after this time in partition 1, and 42 (offset 21) in partition 0.
    const byTimestamp = await admin.fetchTopicOffsetsByTimestamp(topic, baseTimestamp + 40_500)
    assert.deepEqual(byTimestamp.map(entry => ({ partition: entry.partition, offset: entry.offset })).sort((a, b) => a.partition - b.partition),
      [{ partition: 0, offset: '21' }, { partition: 1, offset: '20' }])
    const afterTheEnd = await admin.fetchTopicOffsetsByTimestamp(topic, baseTimestamp + 1_000_000)
    assert.deepEqual(afterTheEnd.map(entry => entry.offset), ['30', '30'], 'a time after every record gives the end offset')

    const { stdout } = await runPythonScript('confluent_client.py', ['consume', bootstrap, topic, String(sent.length)])
    const received = stdout.trim().split('\n').map(line => JSON.parse(line) as ConsumedRecord)
    for (const partition of [0, 1]) {
      assert.deepEqual(received.filter(record => record.partition === partition), sent.filter(record => record.partition === partition))
    }
  })
})
