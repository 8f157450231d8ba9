// kcat (librdkafka) against a running node: metadata, produce/consume with keys and headers,
// every compression codec stored as sent, and consuming from offsets and timestamps.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { CompressionType } from '../../src/protocol/records/record-batch.ts'
import { kcat, kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { fetchAll, produceBatch } from '../helpers/records.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

interface KcatMetadata {
  brokers: Array<{ id: number, name: string }>
  topics: Array<{ topic: string, error?: string, partitions: Array<{ partition: number, leader: number }> }>
}

test('kcat against a running node', async t => {
  const { bootstrap, node } = await startTestNode(t)
  const wire = await WireClient.connect(bootstrap)
  t.after(() => wire.close())

  await t.test('kcat -L lists this broker and every topic with all its partitions', async () => {
    await createTopics(bootstrap, [{ name: 'metadata-three', partitions: 3 }, { name: 'metadata-one', partitions: 1 }])
    const metadata = JSON.parse(await kcat(bootstrap, ['-L', '-J'])) as KcatMetadata
    assert.deepEqual(metadata.brokers, [{ id: node.nodeId, name: bootstrap }])
    const byName = new Map(metadata.topics.map(topic => [topic.topic, topic]))
    for (const [name, count] of [['metadata-three', 3], ['metadata-one', 1]] as const) {
      const topic = byName.get(name)
      assert.ok(topic !== undefined, `${name} is listed`)
      assert.equal(topic.error, undefined)
      assert.deepEqual(topic.partitions.map(partition => partition.partition).sort(), [...Array(count).keys()])
      for (const partition of topic.partitions) assert.equal(partition.leader, node.nodeId)
    }
  })

  await t.test('kcat round-trips keys, values and headers, in order within each partition', async () => {
    await createTopics(bootstrap, [{ name: 'keyed', partitions: 3 }])
    const sent = Array.from({ length: 60 }, (_, index) => ({ key: `key-${index % 12}`, value: `value-${index}-${randomBytes(6).toString('hex')}` }))
    await kcatProduce(bootstrap, 'keyed', sent.map(({ key, value }) => `${key}:${value}`), ['-K:', '-H', 'source=kcat', '-H', 'trace=a=b'])
    const received = await kcatConsume(bootstrap, 'keyed', ['-o', 'beginning'])
    assert.equal(received.length, sent.length)
    const partitionOfKey = new Map<string, number>()
    for (const message of received) {
      assert.deepEqual(message.headers, ['source', 'kcat', 'trace', 'a=b'])
      assert.equal(message.tstype, 'create')
      const known = partitionOfKey.get(message.key!)
      if (known !== undefined) assert.equal(message.partition, known, `key ${message.key} stays on one partition`)
      partitionOfKey.set(message.key!, message.partition)
    }
    for (let partition = 0; partition < 3; partition++) {
      const inPartition = received.filter(message => message.partition === partition)
      assert.deepEqual(inPartition.map(message => message.offset), [...inPartition.keys()], `offsets of partition ${partition} start at 0 and are contiguous`)
      const expected = sent.filter(message => partitionOfKey.get(message.key) === partition)
      assert.deepEqual(inPartition.map(message => ({ key: message.key, value: message.payload })), expected)
    }
  })

  // librdkafka < 2.10 (Debian ships 2.0.2) compresses only if ApiVersions lists Produce v2 (gzip,
  // snappy) and FindCoordinator v0 (lz4); otherwise it silently sends plain batches.
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    await t.test(`kcat -z ${codec}: batches are stored with ${codec} as sent and values read back byte-exact`, async () => {
      const topic = `codec-${codec}`
      await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
      // Compressible and incompressible values of many sizes, several batches' worth.
      const values = Array.from({ length: 400 }, (_, index) => index % 2 === 0
        ? `${codec}-${index}-${'abcdefgh'.repeat(index % 50)}`
        : `${codec}-${index}-${randomBytes(1 + (index * 37) % 3000).toString('base64')}-ünïcödé-✓`)
      await kcatProduce(bootstrap, topic, values, ['-p', '0', '-z', codec, '-X', 'batch.num.messages=64', '-X', 'linger.ms=20'])
      const received = await kcatConsume(bootstrap, topic, ['-p', '0', '-o', 'beginning'])
      assert.deepEqual(received.map(message => message.payload), values)
      assert.deepEqual(received.map(message => message.offset), [...values.keys()])

      const batches = await fetchAll(wire, topic, 0)
      assert.ok(batches.length >= 2, `several batches stored, got ${batches.length}`)
      let nextOffset = 0
      for (const batch of batches) {
        assert.equal(batch.attributes & 0x07, CompressionType[codec], `batch at ${batch.baseOffset} keeps compression ${codec}`)
        assert.ok(batch.isCrcValid, `batch at ${batch.baseOffset} has a valid CRC`)
        assert.equal(batch.magic, 2)
        assert.equal(batch.baseOffset, nextOffset, 'batches are contiguous')
        nextOffset += batch.recordsCount
      }
      assert.equal(nextOffset, values.length)
    })
  }

  await t.test('kcat consumes from an offset (-o 5), from the end (-o -2) and from a timestamp (-o s@), and -Q maps timestamps to offsets', async () => {
    const topic = 'positions'
    await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
    const baseTimestamp = Date.now() - 60_000
    for (let index = 0; index < 10; index++) {
      const batch = buildRecordBatch({ baseTimestamp: baseTimestamp + index * 1000, records: [{ key: null, value: Buffer.from(`record-${index}`) }] })
      const result = await produceBatch(wire, topic, 0, batch)
      assert.equal(result.errorCode, 0)
      assert.equal(result.baseOffset, index)
    }
    const payloads = (messages: Array<{ payload: string | null }>): Array<string | null> => messages.map(message => message.payload)
    const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, index) => `record-${from + index}`)

    assert.deepEqual(payloads(await kcatConsume(bootstrap, topic, ['-p', '0', '-o', '5'])), range(5, 10))
    assert.deepEqual(payloads(await kcatConsume(bootstrap, topic, ['-p', '0', '-o', '-2'])), range(8, 10))
    assert.deepEqual(payloads(await kcatConsume(bootstrap, topic, ['-p', '0', '-o', `s@${baseTimestamp + 3000}`])), range(3, 10))
    const byTimestamp = await kcatConsume(bootstrap, topic, ['-p', '0', '-o', `s@${baseTimestamp + 2500}`])
    assert.equal(byTimestamp[0]?.offset, 3, 'a timestamp between records starts at the next record')
    assert.equal(byTimestamp[0]?.ts, baseTimestamp + 3000)

    const query = async (timestamp: number): Promise<string> => (await kcat(bootstrap, ['-Q', '-t', `${topic}:0:${timestamp}`])).trim()
    assert.equal(await query(baseTimestamp + 4000), `${topic} [0] offset 4`)
    assert.equal(await query(baseTimestamp + 4500), `${topic} [0] offset 5`)
    assert.equal(await query(baseTimestamp - 1), `${topic} [0] offset 0`)
    assert.equal(await query(-2), `${topic} [0] offset 0`, '-2 is the earliest offset')
    assert.equal(await query(-1), `${topic} [0] offset 10`, '-1 is the latest offset')
  })
})
