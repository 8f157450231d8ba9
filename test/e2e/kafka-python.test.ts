// kafka-python running the producer and consumer of the MSK Serverless guide (without IAM):
// acks='all', retries, 16 KiB batches, 5 ms linger, JSON values and string keys; the consumer reads
// them back by partition assignment, since consumer groups are not served yet.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics } from '../helpers/wire-client.ts'

interface GuideRecord {
  partition: number
  offset: number
  key: string
  value: { userId: string, eventType: string, page: string, timestamp: number }
}

function parseLines (stdout: string): GuideRecord[] {
  return stdout.trim().split('\n').map(line => JSON.parse(line) as GuideRecord)
}

test('the MSK Serverless guide producer and an assigned consumer round-trip keyed JSON events with kafka-python', async t => {
  const { bootstrap } = await startTestNode(t)
  const topic = 'user-events'
  await createTopics(bootstrap, [{ name: topic, partitions: 6 }])
  const count = 300

  const produced = parseLines((await runPythonScript('kafka_python_guide.py', ['produce', bootstrap, topic, String(count)])).stdout)
  assert.equal(produced.length, count)
  for (const [index, record] of produced.entries()) {
    assert.equal(record.value.page, `/product/${index}`)
    assert.equal(record.key, `user-${index % 50}`)
  }
  const partitionOfKey = new Map<string, number>()
  for (const record of produced) {
    assert.equal(partitionOfKey.get(record.key) ?? record.partition, record.partition, `key ${record.key} is always sent to one partition`)
    partitionOfKey.set(record.key, record.partition)
  }
  assert.ok(new Set(produced.map(record => record.partition)).size > 1, 'the keys spread over several partitions')
  for (let partition = 0; partition < 6; partition++) {
    const offsets = produced.filter(record => record.partition === partition).map(record => record.offset)
    assert.deepEqual(offsets, [...offsets.keys()], `partition ${partition} acknowledges offsets 0, 1, 2... in send order`)
  }

  const consumed = parseLines((await runPythonScript('kafka_python_guide.py', ['consume', bootstrap, topic, String(count)])).stdout)
  assert.equal(consumed.length, count)
  for (let partition = 0; partition < 6; partition++) {
    const byOffset = (a: GuideRecord, b: GuideRecord): number => a.offset - b.offset
    assert.deepEqual(
      consumed.filter(record => record.partition === partition),
      produced.filter(record => record.partition === partition).sort(byOffset),
      `partition ${partition} reads back every record, key and JSON value in order`
    )
  }
})
