// kafka-python running the MSK Serverless guide's consumer (group_id, auto_offset_reset='earliest',
// enable_auto_commit=True) after the guide's producer: the group reads every record once, commits
// on its own, and a later run of the same group reads only what arrived since.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OffsetFetchApi } from '../../src/protocol/messages/offset-fetch.ts'
import { ListGroupsApi } from '../../src/protocol/messages/list-groups.ts'
import { runPythonScript } from '../helpers/run.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

interface GuideRecord {
  partition: number
  offset: number
  key: string
  value: { userId: string, eventType: string, page: string, timestamp: number }
}

function parseLines (stdout: string): GuideRecord[] {
  return stdout.trim().split('\n').filter(line => line !== '').map(line => JSON.parse(line) as GuideRecord)
}

const byPosition = (a: GuideRecord, b: GuideRecord): number => a.partition - b.partition || a.offset - b.offset

test('the MSK Serverless guide consumer reads as a kafka-python consumer group with auto-commit', async t => {
  const { bootstrap } = await startTestNode(t, { config: { groups: { initialRebalanceDelayMs: 300 } } })
  const topic = 'user-events'
  const group = 'event-processor'
  await createTopics(bootstrap, [{ name: topic, partitions: 6 }])
  const consume = async (count: number): Promise<GuideRecord[]> =>
    parseLines((await runPythonScript('kafka_python_group.py', ['consume', bootstrap, topic, group, String(count), '3'], { timeoutMs: 120_000 })).stdout)

  const produced = parseLines((await runPythonScript('kafka_python_guide.py', ['produce', bootstrap, topic, '300'])).stdout)
  assert.equal(produced.length, 300)
  const first = await consume(300)
  assert.deepEqual(first.sort(byPosition), [...produced].sort(byPosition), 'the group reads every record once, with its key and JSON value')

  assert.deepEqual(await consume(300), [], 'a second run of the group starts after the committed offsets')

  const more = parseLines((await runPythonScript('kafka_python_guide.py', ['produce', bootstrap, topic, '50'])).stdout)
  const second = await consume(50)
  assert.deepEqual(second.sort(byPosition), [...more].sort(byPosition), 'a later run reads only the new records')

  const client = await WireClient.connect(bootstrap)
  t.after(() => client.close())
  const fetched = await client.request(OffsetFetchApi, 8, {
    groupId: '', topics: null, requireStable: true, groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: null }]
  })
  const committed = new Map(fetched.groups[0]!.topics.flatMap(entry => entry.partitions.map(partition => [partition.partitionIndex, partition.committedOffset])))
  for (let partition = 0; partition < 6; partition++) {
    const count = [...produced, ...more].filter(record => record.partition === partition).length
    assert.equal(committed.get(partition) ?? 0, count, `partition ${partition}: committed at its end`)
  }
  const listed = await client.request(ListGroupsApi, 4, { statesFilter: [], typesFilter: [] })
  assert.deepEqual(listed.groups.map(({ groupId, protocolType, groupState }) => ({ groupId, protocolType, groupState })),
    [{ groupId: group, protocolType: 'consumer', groupState: 'Empty' }])
})
