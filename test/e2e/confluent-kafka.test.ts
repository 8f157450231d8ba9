// confluent-kafka (Python over librdkafka) against a running node: produce with delivery reports,
// consume by assignment from OFFSET_BEGINNING, and the AdminClient's topic operations.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics } from '../helpers/wire-client.ts'

interface Delivered {
  partition: number
  offset: number
  key: string
  value: string
  headers?: Array<[string, string]>
}

function parseLines<T> (stdout: string): T[] {
  return stdout.trim().split('\n').map(line => JSON.parse(line) as T)
}

test('confluent-kafka against a running node', async t => {
  const { bootstrap, node } = await startTestNode(t)

  await t.test('confluent-kafka delivery reports give contiguous offsets, and an assigned consumer reads every record back in order', async () => {
    const topic = 'confluent-data'
    await createTopics(bootstrap, [{ name: topic, partitions: 4 }])
    const count = 500
    const delivered = parseLines<Delivered>((await runPythonScript('confluent_client.py', ['produce', bootstrap, topic, String(count)])).stdout)
    assert.equal(delivered.length, count)
    assert.deepEqual(new Set(delivered.map(record => record.value)).size, count, 'every record is reported delivered once')

    const consumed = parseLines<Delivered>((await runPythonScript('confluent_client.py', ['consume', bootstrap, topic, String(count)])).stdout)
    assert.equal(consumed.length, count)
    for (let partition = 0; partition < 4; partition++) {
      const expected = delivered.filter(record => record.partition === partition).sort((a, b) => a.offset - b.offset)
      assert.deepEqual(expected.map(record => record.offset), [...expected.keys()], `partition ${partition} offsets are contiguous from 0`)
      const actual = consumed.filter(record => record.partition === partition)
      assert.deepEqual(actual.map(({ offset, key, value }) => ({ offset, key, value })), expected.map(({ offset, key, value }) => ({ offset, key, value })))
      for (const record of actual) {
        const sequence = record.value.replace('value-', '')
        assert.deepEqual(record.headers, [['seq', sequence], ['origin', 'confluent']])
      }
    }
  })

  await t.test('confluent-kafka AdminClient creates (validate-only, then for real), lists, describes configs of and deletes a topic', async () => {
    const steps = parseLines<Record<string, unknown>>((await runPythonScript('confluent_client.py', ['admin', bootstrap, 'confluent-admin'])).stdout)
    const step = (name: string): Record<string, unknown> => {
      const found = steps.find(entry => entry.step === name)
      assert.ok(found !== undefined, `step ${name} ran`)
      return found
    }
    assert.equal(step('validate_only').listed, false, 'validate_only creates nothing')
    assert.deepEqual(step('created'), { step: 'created', listed: true, partitions: [0, 1, 2, 3], leaders: [node.nodeId], brokers: [node.nodeId] })
    assert.equal(step('create_again').error, 'TOPIC_ALREADY_EXISTS')
    const { configs, sources } = step('describe_configs') as { configs: Record<string, string | null>, sources: Record<string, string> }
    assert.equal(configs['retention.ms'], '3600000')
    assert.equal(sources['retention.ms'], 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(configs['cleanup.policy'], 'delete')
    assert.ok('max.message.bytes' in configs, 'defaults are described too')
    assert.notEqual(sources['max.message.bytes'], 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(step('deleted').listed, false)
    assert.equal(step('delete_again').error, 'UNKNOWN_TOPIC_OR_PART')
  })
})
