// Committed offsets survive a restart of the node: a confluent-kafka group reads part of a topic,
// the node stops and starts again on the same data directory, and the group goes on from its
// committed offsets, reading every record once in all.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DescribeGroupsApi } from '../../src/protocol/messages/describe-groups.ts'
import { runPythonScript } from '../helpers/run.ts'
import { makeTempDir, startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

interface Line {
  partition: number
  offset: number
  value: string
}

function parseLines (stdout: string): Line[] {
  return stdout.trim().split('\n').filter(line => line !== '').map(line => JSON.parse(line) as Line)
}

test('a consumer group resumes from its committed offsets after the node restarts on the same data directory', async t => {
  const dataDir = makeTempDir(t, 'skiff-restart-')
  const config = { groups: { initialRebalanceDelayMs: 300 } }
  const topic = 'orders'
  const group = 'restart-group'
  const first = await startTestNode(t, { dataDir, config })
  await createTopics(first.bootstrap, [{ name: topic, partitions: 3 }])
  const produced = parseLines((await runPythonScript('confluent_client.py', ['produce', first.bootstrap, topic, '100'])).stdout)
  assert.equal(produced.length, 100)
  const before = parseLines((await runPythonScript('confluent_group.py', ['consume-count', first.bootstrap, topic, group, '60'])).stdout)
  assert.equal(before.length, 60)
  const committedBefore = (await runPythonScript('confluent_group.py', ['committed', first.bootstrap, topic, group])).stdout
  await first.close()

  const second = await startTestNode(t, { dataDir, config })
  const committedAfter = (await runPythonScript('confluent_group.py', ['committed', second.bootstrap, topic, group])).stdout
  assert.equal(committedAfter, committedBefore, 'the committed offsets are the same after the restart')
  const client = await WireClient.connect(second.bootstrap)
  t.after(() => client.close())
  const [described] = (await client.request(DescribeGroupsApi, 5, { groups: [group], includeAuthorizedOperations: false })).groups
  assert.deepEqual({ state: described?.groupState, protocolType: described?.protocolType }, { state: 'Empty', protocolType: 'consumer' })

  const after = parseLines((await runPythonScript('confluent_group.py', ['consume-count', second.bootstrap, topic, group, '40'])).stdout)
  assert.equal(after.length, 40)
  const values = [...before, ...after].map(line => line.value)
  assert.equal(new Set(values).size, 100, 'no record read twice')
  assert.deepEqual(new Set(values), new Set(produced.map(line => line.value)), 'every record read')
  const committed = parseLines((await runPythonScript('confluent_group.py', ['committed', second.bootstrap, topic, group])).stdout)
  for (const { partition, offset } of committed) {
    assert.equal(offset, produced.filter(line => line.partition === partition).length, `partition ${partition} is committed at its end`)
  }
})
