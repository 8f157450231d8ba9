// ListOffsets by timestamp and MAX_TIMESTAMP on compressed batches, asked through real clients:
// KafkaJS (fetchTopicOffsetsByTimestamp), kcat -Q (librdkafka's offsetsForTimes) and
// @platformatic/kafka (listOffsets with -3). The batches come from librdkafka, produced live, and
// from kafka-python, as captured in test/fixtures/batches (its codecs need Python packages the
// suite does not install). Each topic holds two uncompressed records first, so the compressed
// records sit at offsets 2 to 7 with timestamps T + [0, 10, 30, 20, 30, 5].
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import kafkajs from 'kafkajs'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { CompressionType } from '../../src/protocol/records/record-batch.ts'
import {
  FIXTURE_BASE_TIMESTAMP, FIXTURE_CODECS, FIXTURE_TIMESTAMP_DELTAS, fixtureRecords, readFixtureBatch
} from '../fixtures/batches/fixture-records.ts'
import { kcat } from '../helpers/kcat.ts'
import { fetchAll, produceBatch } from '../helpers/records.ts'
import { PYTHON, run } from '../helpers/run.ts'
import { repositoryRoot } from '../helpers/spawn-node.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs
const MAX_TIMESTAMP = -3n
/** The captured batches are from 2023: retention must keep them, so the node allows a longer retention.ms. */
const RETENTION_MS = 20 * 365 * 24 * 60 * 60 * 1000

test('ListOffsets by timestamp and MAX_TIMESTAMP answer exact records inside compressed batches, asked by real clients', async t => {
  const { bootstrap } = await startTestNode(t, { config: { limits: { maxRetentionMs: RETENTION_MS } } })
  const wire = await WireClient.connect(bootstrap)
  t.after(() => wire.close())
  const kafkajsAdmin = new Kafka({ clientId: 'skiff-e2e-list-offsets', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin()
  await kafkajsAdmin.connect()
  t.after(() => kafkajsAdmin.disconnect())
  const platformaticAdmin = new Admin({ clientId: 'skiff-e2e-list-offsets', bootstrapBrokers: [bootstrap], retries: 2, timeout: 20_000 })
  t.after(() => platformaticAdmin.close())

  /** A topic whose first two records (offsets 0 and 1, T - 100 and T - 95) are uncompressed. */
  const createTopic = async (topic: string, T: number): Promise<void> => {
    await createTopics(bootstrap, [{ name: topic, partitions: 1, configs: { 'retention.ms': String(RETENTION_MS) } }])
    const older = buildRecordBatch({ baseTimestamp: T - 100, records: [{ value: Buffer.from('older-0') }, { value: Buffer.from('older-1'), timestampDelta: 5 }] })
    assert.equal((await produceBatch(wire, topic, 0, older)).errorCode, 0)
  }

  const listOffset = async (topic: string, timestamp: bigint): Promise<{ offset: bigint, timestamp: bigint }> => {
    const [listed] = await platformaticAdmin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] })
    const partition = listed?.partitions[0]
    assert.ok(partition !== undefined)
    return { offset: partition.offset, timestamp: partition.timestamp }
  }

  const assertExactOffsets = async (topic: string, T: number): Promise<void> => {
    const byKafkajs = async (timestamp: number): Promise<string | undefined> =>
      (await kafkajsAdmin.fetchTopicOffsetsByTimestamp(topic, timestamp))[0]?.offset
    assert.equal(await byKafkajs(T - 97), '1')
    assert.equal(await byKafkajs(T - 50), '2')
    assert.equal(await byKafkajs(T + 1), '3', 'the second compressed record')
    assert.equal(await byKafkajs(T + 15), '4', 'the first compressed record at or after T + 15')
    assert.equal(await byKafkajs(T + 31), '8', 'past every record: KafkaJS falls back to the high watermark')

    const byKcat = async (timestamp: number): Promise<string> => (await kcat(bootstrap, ['-Q', '-t', `${topic}:0:${timestamp}`])).trim()
    assert.equal(await byKcat(T + 25), `${topic} [0] offset 4`)
    assert.equal(await byKcat(T + 6), `${topic} [0] offset 3`)

    assert.deepEqual(await listOffset(topic, BigInt(T + 21)), { offset: 4n, timestamp: BigInt(T + 30) })
    assert.deepEqual(await listOffset(topic, MAX_TIMESTAMP), { offset: 4n, timestamp: BigInt(T + 30) }, 'the first of the two records holding the max')
  }

  for (const codec of FIXTURE_CODECS) {
    await t.test(`librdkafka ${codec} batches, produced live`, async () => {
      const topic = `librdkafka-${codec}`
      const T = Date.now() - 60_000
      await createTopic(topic, T)
      const records = fixtureRecords.map((record, index) => ({ ...record, timestamp: T + FIXTURE_TIMESTAMP_DELTAS[index]! }))
      await run(PYTHON, [path.join(repositoryRoot, 'test/fixtures/batches/produce_batch.py'), 'confluent-kafka', codec, bootstrap, topic], {
        input: JSON.stringify(records), timeoutMs: 60_000
      })
      const compressed = (await fetchAll(wire, topic, 0)).filter(batch => (batch.attributes & 0x07) === CompressionType[codec])
      assert.ok(compressed.some(batch => batch.recordsCount > 1), `a ${codec} batch of several records is stored`)
      await assertExactOffsets(topic, T)
    })
  }

  for (const codec of FIXTURE_CODECS) {
    await t.test(`kafka-python ${codec} batch, as captured`, async () => {
      const topic = `kafka-python-${codec}`
      await createTopic(topic, FIXTURE_BASE_TIMESTAMP)
      const result = await produceBatch(wire, topic, 0, readFixtureBatch('kafka-python', codec))
      assert.equal(result.errorCode, 0)
      assert.equal(result.baseOffset, 2)
      await assertExactOffsets(topic, FIXTURE_BASE_TIMESTAMP)
    })
  }
})
