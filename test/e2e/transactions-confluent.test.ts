// Transactions with confluent-kafka (librdkafka): committed and aborted transactions as
// read_committed and read_uncommitted consumers see them, a consume-transform-produce loop whose
// output holds every input exactly once and no aborted record, a producer fenced by a newer
// instance with the same transactional id, and a transaction the node aborts at its timeout.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics } from '../helpers/wire-client.ts'

function parseLines<T> (stdout: string): T[] {
  return stdout.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as T)
}

interface ReadRecord { partition: number, offset: number, value: string }

async function readAll (bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<ReadRecord[]> {
  return parseLines<ReadRecord>((await runPythonScript('confluent_transactions.py', ['read', bootstrap, topic, isolation])).stdout)
}

test('confluent-kafka transactions', async t => {
  const node = await startTestNode(t, { config: { transactions: { abortCheckIntervalMs: 200 } } })
  const { bootstrap } = node

  await t.test('read_committed sees committed transactions only; read_uncommitted sees the aborted one too, markers never', async () => {
    const topic = 'txn-commit-abort'
    await createTopics(bootstrap, [{ name: topic, partitions: 2 }])
    await runPythonScript('confluent_transactions.py', ['commit-abort', bootstrap, topic])
    const committed = await readAll(bootstrap, topic, 'read_committed')
    assert.deepEqual(committed.map(record => record.value).sort(),
      [...Array.from({ length: 10 }, (_, i) => `commit-0-${i}`), ...Array.from({ length: 10 }, (_, i) => `commit-2-${i}`)].sort())
    const uncommitted = await readAll(bootstrap, topic, 'read_uncommitted')
    assert.equal(uncommitted.length, 30)
    assert.equal(uncommitted.filter(record => record.value.startsWith('abort-1-')).length, 10)
    // Each partition holds 15 records and 3 markers: offsets 0-17 minus the markers' three.
    for (const partition of [0, 1]) {
      const offsets = uncommitted.filter(record => record.partition === partition).map(record => record.offset)
      assert.equal(offsets.length, 15)
      assert.ok(Math.max(...offsets) <= 16, `partition ${partition}: the last marker is at offset 17`)
    }
  })

  await t.test('consume-transform-produce copies every input exactly once, and read_committed never sees an aborted record', async () => {
    const input = 'txn-ctp-in'
    const output = 'txn-ctp-out'
    await createTopics(bootstrap, [{ name: input, partitions: 3 }, { name: output, partitions: 3 }])
    await runPythonScript('confluent_client.py', ['produce', bootstrap, input, '300'])
    const steps = parseLines<{ transaction?: number, outcome?: string, done?: number }>(
      (await runPythonScript('confluent_transactions.py', ['ctp', bootstrap, input, output, 'ctp-group'], { timeoutMs: 120_000 })).stdout)
    assert.ok(steps.some(step => step.outcome === 'abort'), 'at least one transaction was aborted')
    assert.equal(steps.at(-1)?.done, 300)
    const copied = await readAll(bootstrap, output, 'read_committed')
    assert.equal(copied.filter(record => record.value === 'poison').length, 0)
    const values = copied.map(record => record.value)
    assert.equal(new Set(values).size, values.length, 'no input is copied twice')
    assert.deepEqual(values.sort(), Array.from({ length: 300 }, (_, i) => `out-value-${i}`).sort())
    const everything = await readAll(bootstrap, output, 'read_uncommitted')
    assert.ok(everything.some(record => record.value === 'poison'), 'the aborted records are in the log, skipped by read_committed')
  })

  await t.test('a producer fenced by a new instance with the same transactional id cannot commit; its records stay invisible', async () => {
    const topic = 'txn-fence'
    await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
    const steps = parseLines<{ step: string, fatal?: boolean, name?: string }>(
      (await runPythonScript('confluent_transactions.py', ['fence', bootstrap, topic])).stdout)
    const refused = steps.find(step => step.step === 'first-refused')
    assert.ok(refused !== undefined, `the fenced producer's commit is refused: ${JSON.stringify(steps)}`)
    assert.equal(refused.fatal, true)
    assert.ok(steps.some(step => step.step === 'second-committed'))
    const visible = await readAll(bootstrap, topic, 'read_committed')
    assert.deepEqual(visible.map(record => record.value), ['from-the-new-producer'])
  })

  await t.test('the node aborts a transaction at its timeout; the producer learns it when it tries to commit', async () => {
    const topic = 'txn-timeout'
    await createTopics(bootstrap, [{ name: topic, partitions: 1 }])
    const steps = parseLines<{ step: string, name?: string }>(
      (await runPythonScript('confluent_transactions.py', ['linger', bootstrap, topic, '1000'])).stdout)
    assert.ok(steps.some(step => step.step === 'refused'), `the commit after the timeout is refused: ${JSON.stringify(steps)}`)
    assert.deepEqual(await readAll(bootstrap, topic, 'read_committed'), [])
    assert.ok(node.logs.lines.some(line => line.msg === 'transaction timed out: aborting it and fencing its producer'))
  })
})
