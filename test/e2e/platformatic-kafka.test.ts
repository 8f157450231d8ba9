// @platformatic/kafka 1.x against a running node: its Admin (create, list, metadata, configs,
// partitions, delete), its Producer with acks=all and each codec it has on Node 20 (gzip, snappy,
// lz4), and its Consumer's group-less fetch reading the records back; kcat decompresses the same lz4 batches.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Admin, Consumer, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { kcatConsume } from '../helpers/kcat.ts'
import { fetchAll } from '../helpers/records.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { WireClient } from '../helpers/wire-client.ts'
import { CompressionType } from '../../src/protocol/records/record-batch.ts'

const TOPIC_RESOURCE = 2

test('@platformatic/kafka against a running node', async t => {
  const { bootstrap, node } = await startTestNode(t)
  const clientOptions = { bootstrapBrokers: [bootstrap], retries: 2, timeout: 20_000 }
  const admin = new Admin({ clientId: 'skiff-e2e-platformatic-admin', ...clientOptions })
  t.after(() => admin.close())

  await t.test('@platformatic/kafka Admin creates a topic with configs, lists it, adds partitions, describes configs and deletes it', async () => {
    const topic = 'platformatic-admin'
    const [created] = await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1, configs: [{ name: 'retention.ms', value: '600000' }] })
    assert.equal(created?.name, topic)
    assert.equal(created?.partitions, 2)
    assert.match(created?.id ?? '', /^[0-9a-f-]{36}$/)
    assert.ok((await admin.listTopics()).includes(topic))

    await admin.createPartitions({ topics: [{ name: topic, count: 5, assignments: [] }] })
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true })
    assert.equal(metadata.topics.get(topic)?.partitionsCount, 5)
    assert.equal(metadata.topics.get(topic)?.id, created?.id)
    assert.deepEqual([...metadata.brokers.keys()], [node.nodeId])

    const [description] = await admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: ['retention.ms'] }] })
    assert.deepEqual(description?.configs.map(config => [config.name, config.value]), [['retention.ms', '600000']])

    await admin.deleteTopics({ topics: [topic] })
    assert.ok(!(await admin.listTopics()).includes(topic), 'the deleted topic is no longer listed')
  })

  await t.test('@platformatic/kafka Producer (acks=all; none, gzip, snappy, lz4) and group-less Consumer.fetch round-trip records stored as sent', async () => {
    const topic = 'platformatic-data'
    const [created] = await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
    const topicId = created!.id
    const producer = new Producer({ clientId: 'skiff-e2e-platformatic-producer', ...clientOptions, serializers: stringSerializers, idempotent: false, acks: ProduceAcks.ALL })
    t.after(() => producer.close())

    const codecs = ['none', 'gzip', 'snappy', 'lz4'] as const
    const sent: Array<{ key: string, value: string, codec: string }> = []
    for (const codec of codecs) {
      const messages = Array.from({ length: 25 }, (_, index) => ({
        topic, partition: 0, key: `${codec}-key-${index % 4}`, value: `${codec}-value-${index}-${'xyz'.repeat(index)}`, headers: { codec }
      }))
      const result = await producer.send({ messages, compression: codec })
      assert.deepEqual(result.offsets, [{ topic, partition: 0, offset: BigInt(sent.length) }], `the ${codec} batch starts where the last ended`)
      sent.push(...messages.map(({ key, value }) => ({ key, value, codec })))
    }

    const wire = await WireClient.connect(bootstrap)
    t.after(() => wire.close())
    const batches = await fetchAll(wire, topic, 0)
    assert.deepEqual(batches.map(batch => [batch.baseOffset, batch.recordsCount, batch.attributes & 0x07, batch.isCrcValid]),
      codecs.map((codec, index) => [index * 25, 25, CompressionType[codec], true]), 'one batch per send, each kept with its compression')

    const consumer = new Consumer({ clientId: 'skiff-e2e-platformatic-consumer', groupId: 'skiff-e2e-unused', ...clientOptions, deserializers: stringDeserializers })
    t.after(() => consumer.close(true))
    const received: Array<{ offset: bigint, key: string | undefined, value: string | undefined, codec: string | undefined }> = []
    while (received.length < sent.length) {
      const response = await consumer.fetch({
        node: node.nodeId,
        maxWaitTime: 1000,
        topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: BigInt(received.length), partitionMaxBytes: 1024 * 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }]
      })
      const partition = response.responses[0]?.partitions[0]
      assert.equal(partition?.errorCode, 0)
      assert.equal(partition?.highWatermark, BigInt(sent.length))
      const before = received.length
      for (const batch of partition?.records ?? []) {
        for (const record of batch.records) {
          const header = record.headers.find(([name]) => name?.toString() === 'codec')
          received.push({
            offset: batch.firstOffset + BigInt(record.offsetDelta),
            key: record.key?.toString(),
            value: record.value?.toString(),
            codec: header?.[1]?.toString()
          })
        }
      }
      assert.ok(received.length > before, 'each fetch makes progress')
    }
    assert.deepEqual(received, sent.map((record, index) => ({ offset: BigInt(index), ...record })))

    const viaKcat = await kcatConsume(bootstrap, topic, ['-p', '0', '-o', 'beginning'])
    assert.deepEqual(viaKcat.map(message => [message.offset, message.key, message.payload]), sent.map((record, index) => [index, record.key, record.value]),
      'librdkafka decompresses the same gzip, snappy and lz4 batches')
  })
})
