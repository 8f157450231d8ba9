// Fetch's byte budget against a real node on a socket: the node's response cap (Kafka's broker
// fetch.max.bytes), only the response's first batch going out whole over the limits (KIP-74), and
// incremental fetch sessions (KIP-227) giving the budget first to partitions that got nothing last
// time, as Kafka's sessions do.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { FetchApi, type FetchRequest, type FetchResponse } from '../../src/protocol/messages/fetch.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import type { RecordsInput } from '../../src/protocol/primitives/writer.ts'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { produceBatch, splitBatches } from '../helpers/records.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const KiB = 1024
const MiB = 1024 * KiB

/** One batch of `count` records of `valueBytes` each. */
function batchOf (valueBytes: number, count = 1): Buffer {
  return buildRecordBatch({ records: Array.from({ length: count }, (_, index) => ({ value: Buffer.alloc(valueBytes, 97 + index) })) })
}

function fetchRequest (
  topic: string, offsets: number[], options: { maxBytes: number, partitionMaxBytes: number, sessionId?: number, sessionEpoch?: number }
): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: options.maxBytes,
    isolationLevel: 0,
    sessionId: options.sessionId ?? 0,
    sessionEpoch: options.sessionEpoch ?? -1,
    topics: offsets.length === 0
      ? []
      : [{
          topic,
          topicId: ZERO_UUID,
          partitions: offsets.map((fetchOffset, partition) => ({
            partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: options.partitionMaxBytes
          }))
        }],
    forgottenTopicsData: [],
    rackId: ''
  }
}

/** Record bytes per partition index in a Fetch response. */
function bytesByPartition (response: FetchResponse<RecordsInput>): Map<number, number> {
  const result = new Map<number, number>()
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      const records = Array.isArray(partition.records) ? Buffer.concat(partition.records) : partition.records
      result.set(partition.partitionIndex, records?.length ?? 0)
    }
  }
  return result
}

/** A node with `topic` whose every partition holds `batchCount` batches of one `valueBytes` record, and a client. */
async function nodeWithBatches (t: TestContext, topic: string, partitions: number, batchCount: number, valueBytes: number) {
  const { bootstrap } = await startTestNode(t)
  await createTopics(bootstrap, [{ name: topic, partitions }])
  const client = await WireClient.connect(bootstrap)
  t.after(() => client.close())
  for (let partition = 0; partition < partitions; partition++) {
    for (let index = 0; index < batchCount; index++) assert.equal((await produceBatch(client, topic, partition, batchOf(valueBytes))).errorCode, 0)
  }
  return { bootstrap, client }
}

test('a Fetch asking for 50 MiB gets at most the node\'s 8 MiB, and a first batch over the request\'s limits still whole', async t => {
  // 4 partitions x 3 batches of 1000 KiB: about 12 MB, more than the node answers in one response.
  const { bootstrap, client } = await nodeWithBatches(t, 'big', 4, 3, 1000 * KiB)
  const response = await client.request(FetchApi, 11, fetchRequest('big', [0, 0, 0, 0], { maxBytes: 50 * MiB, partitionMaxBytes: 10 * MiB }))
  const total = [...bytesByPartition(response).values()].reduce((sum, bytes) => sum + bytes, 0)
  assert.ok(total > 4 * 1000 * KiB, `only ${total} bytes came back`)
  assert.ok(total <= 8 * MiB, `${total} bytes came back, over the node's 8 MiB`)

  // One 3 MiB batch (over both of the request's limits) comes back whole, alone.
  await createTopics(bootstrap, [{ name: 'huge', configs: { 'max.message.bytes': String(4 * MiB) } }])
  assert.equal((await produceBatch(client, 'huge', 0, batchOf(MiB, 3))).errorCode, 0)
  const huge = await client.request(FetchApi, 11, fetchRequest('huge', [0], { maxBytes: 1 * MiB, partitionMaxBytes: 1 * MiB }))
  const records = huge.responses[0]!.partitions[0]!.records
  const batches = splitBatches(Array.isArray(records) ? Buffer.concat(records) : records)
  assert.equal(batches.length, 1)
  assert.equal(batches[0]!.recordsCount, 3)
  assert.ok(batches[0]!.isCrcValid)
})

test('an incremental fetch session gives the budget first to the partitions that got nothing last time', async t => {
  const { client } = await nodeWithBatches(t, 'fair', 3, 4, 10 * KiB)
  // A 1-byte budget: each response carries one batch of one partition (KIP-74).
  const limits = { maxBytes: 1, partitionMaxBytes: 1 * MiB }
  const offsets = [0, 0, 0]
  const first = await client.request(FetchApi, 12, fetchRequest('fair', offsets, { ...limits, sessionEpoch: 0 }))
  assert.notEqual(first.sessionId, 0)
  const served: number[] = []
  let response = first
  for (let epoch = 1; epoch <= 6; epoch++) {
    const got = [...bytesByPartition(response).entries()].filter(([, bytes]) => bytes > 0).map(([partition]) => partition)
    assert.equal(got.length, 1, `epoch ${epoch - 1}: partitions with records: ${got.join(', ')}`)
    const partition = got[0]!
    served.push(partition)
    offsets[partition]!++
    // The incremental request names only the partition whose offset moved.
    const request = fetchRequest('fair', [], { ...limits, sessionId: first.sessionId, sessionEpoch: epoch })
    request.topics = [{
      topic: 'fair',
      topicId: ZERO_UUID,
      partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offsets[partition]!, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: limits.partitionMaxBytes }]
    }]
    response = await client.request(FetchApi, 12, request)
    assert.equal(response.errorCode, 0)
  }
  assert.deepEqual(served, [0, 1, 2, 0, 1, 2])
})
