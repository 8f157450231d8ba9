// Bad input against a running node, over raw sockets: oversized, truncated, garbled frames and
// absurd lengths close the connection (with a log line naming the client); bad batches, unknown
// topics and partitions get their Kafka error codes. The node keeps serving throughout.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import zlib from 'node:zlib'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { encodeRequestFrame, decodeResponseFrame } from '../../src/protocol/frame.ts'
import { ApiVersionsApi } from '../../src/protocol/messages/api-versions.ts'
import { CreateTopicsApi } from '../../src/protocol/messages/create-topics.ts'
import { FetchApi, type FetchRequest } from '../../src/protocol/messages/fetch.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { ProduceApi, type ProduceRequest } from '../../src/protocol/messages/produce.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { seededRandom } from '../helpers/random.ts'
import { kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { createTopics, rawRequestFrame, truncateFrame, WireClient } from '../helpers/wire-client.ts'

const MiB = 1024 * 1024
const TOPIC = 'target'

function batchOf (...values: string[]): Buffer {
  return buildRecordBatch({ records: values.map(value => ({ key: null, value: Buffer.from(value) })) })
}

function produceRequest (topic: string, partitions: Array<{ index: number, records: Buffer | null }>): ProduceRequest {
  return { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: partitions }] }
}

function fetchRequest (topic: string, topicId: string, partition: number): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: MiB,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: MiB }] }],
    forgottenTopicsData: [],
    rackId: ''
  }
}

function listOffsetsRequest (topic: string, partition: number) {
  return {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }],
    timeoutMs: 10_000
  }
}

/** A pre-KIP-98 message set of one message with magic 0 or 1 (CRC-32 over magic..value). */
function legacyMessageSet (magic: 0 | 1, value: string): Buffer {
  const valueBytes = Buffer.from(value)
  const body = Buffer.alloc(2 + (magic === 1 ? 8 : 0) + 4 + 4 + valueBytes.length)
  let position = body.writeInt8(magic, 0)
  position = body.writeInt8(0, position)
  if (magic === 1) position = body.writeBigInt64BE(BigInt(Date.now()), position)
  position = body.writeInt32BE(-1, position)
  position = body.writeInt32BE(valueBytes.length, position)
  valueBytes.copy(body, position)
  const message = Buffer.alloc(16 + body.length)
  message.writeBigInt64BE(0n, 0)
  message.writeInt32BE(4 + body.length, 8)
  message.writeUInt32BE(zlib.crc32(body), 12)
  body.copy(message, 16)
  return message
}

test('bad input against a running node', async t => {
  const { bootstrap, logs } = await startTestNode(t, { config: { limits: { maxRequestBytes: MiB, maxMessageBytes: MiB / 2 } } })
  await createTopics(bootstrap, [{ name: TOPIC, partitions: 2 }])
  let correlationId = 1000

  /** Sends the bytes on a fresh connection; the node must close it and log a warning naming this client. */
  async function expectClosed (bytes: Buffer, problem: RegExp, what: string): Promise<void> {
    const client = await WireClient.connect(bootstrap)
    try {
      client.sendRaw(bytes)
      assert.ok(await client.waitForClose(5_000), `${what}: the node closes the connection`)
      await waitFor(() => logs.warnings().find(line => line.client === client.localAddress && problem.test(JSON.stringify(line))), {
        timeoutMs: 5_000, what: `${what}: a warning naming client ${client.localAddress} and ${problem}`
      })
    } finally {
      client.close()
    }
  }

  async function withClient<T> (use: (client: WireClient) => Promise<T>): Promise<T> {
    const client = await WireClient.connect(bootstrap)
    try {
      return await use(client)
    } finally {
      client.close()
    }
  }

  await t.test('frames over the size limit, of negative size or too short for a header close the connection without being read', async () => {
    const prefix = (size: number): Buffer => {
      const bytes = Buffer.alloc(20)
      bytes.writeInt32BE(size, 0)
      return bytes
    }
    await expectClosed(prefix(MiB + 1), /frame size 1048577/, 'one byte over the limit')
    await expectClosed(prefix(0x7fffffff), /frame size 2147483647/, 'a 2 GiB frame')
    await expectClosed(prefix(-5), /frame size -5/, 'a negative size')
    await expectClosed(prefix(3), /frame size 3/, 'a frame shorter than a header')
  })

  await t.test('truncated request frames of every served API close the connection and are logged as malformed', async () => {
    const topicId = (await withClient(client => client.request(MetadataApi, 12, {
      topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
    }))).topics[0]!.topicId
    const frames = [
      encodeRequestFrame(MetadataApi, 12, 1, 'truncation', {
        topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
      }),
      encodeRequestFrame(MetadataApi, 4, 1, 'truncation', {
        topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
      }),
      encodeRequestFrame(ProduceApi, 9, 1, 'truncation', produceRequest(TOPIC, [{ index: 0, records: batchOf('never stored') }])),
      encodeRequestFrame(ProduceApi, 3, 1, 'truncation', produceRequest(TOPIC, [{ index: 0, records: batchOf('never stored') }])),
      encodeRequestFrame(FetchApi, 11, 1, 'truncation', fetchRequest(TOPIC, ZERO_UUID, 0)),
      encodeRequestFrame(FetchApi, 17, 1, 'truncation', fetchRequest('', topicId, 0)),
      encodeRequestFrame(ListOffsetsApi, 7, 1, 'truncation', listOffsetsRequest(TOPIC, 0)),
      encodeRequestFrame(CreateTopicsApi, 5, 1, 'truncation', {
        topics: [{ name: 'never-created', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false
      })
    ]
    for (const frame of frames) {
      const bodyLength = frame.length - 4
      const apiKey = frame.readInt16BE(4)
      const version = frame.readInt16BE(6)
      // Every cut inside the header and the last bytes; a spread of cuts in between.
      const cuts = new Set<number>()
      for (let length = 8; length < Math.min(bodyLength, 40); length++) cuts.add(length)
      for (let length = Math.max(8, bodyLength - 6); length < bodyLength; length++) cuts.add(length)
      for (let step = 1; step < 12; step++) cuts.add(8 + Math.floor((bodyLength - 8) * step / 12))
      for (const length of cuts) {
        await expectClosed(truncateFrame(frame, length), /malformed|unreadable request header/, `API ${apiKey} v${version} cut to ${length} of ${bodyLength} bytes`)
      }
    }
    const stored = await withClient(client => client.request(ListOffsetsApi, 7, listOffsetsRequest(TOPIC, 0)))
    assert.equal(stored.topics[0]?.partitions[0]?.offset, 0, 'no truncated Produce stored anything')
  })

  await t.test('garbled frames close the connection: an unknown API key, an unserved version, random bytes', async () => {
    await expectClosed(rawRequestFrame({ apiKey: 0x7fff, apiVersion: 0, correlationId: ++correlationId }, Buffer.alloc(16)), /unsupported API key 32767/, 'API key 32767')
    await expectClosed(rawRequestFrame({ apiKey: 3, apiVersion: 99, correlationId: ++correlationId }, Buffer.alloc(16)), /unsupported API key 3 version 99/, 'Metadata v99')
    await expectClosed(rawRequestFrame({ apiKey: 0, apiVersion: -1, correlationId: ++correlationId }, Buffer.alloc(16)), /unsupported API key 0 version -1/, 'Produce v-1')
    const random = seededRandom(20240229)
    for (let round = 0; round < 40; round++) {
      const garbage = Buffer.alloc(8 + Math.floor(random() * 200))
      for (let index = 0; index < garbage.length; index++) garbage[index] = Math.floor(random() * 256)
      const frame = Buffer.concat([Buffer.alloc(4), garbage])
      frame.writeInt32BE(garbage.length, 0)
      await withClient(async client => {
        client.sendRaw(frame)
        // Either the node closes the connection or (if the bytes happen to parse) it answers.
        const answer = await client.nextFrame(10_000)
        if (answer !== undefined) assert.equal(answer.readInt32BE(0), frame.readInt32BE(8), 'an answer carries the correlation id')
      })
    }
  })

  await t.test('ApiVersions at a version the node does not know is answered with UNSUPPORTED_VERSION and the supported ranges', async () => {
    await withClient(async client => {
      client.sendRaw(rawRequestFrame({ apiKey: 18, apiVersion: 999, correlationId: 77, isFlexible: true }, Buffer.from([0, 0, 0])))
      const frame = await client.nextFrame()
      assert.ok(frame !== undefined)
      const { correlationId: answered, response } = decodeResponseFrame(ApiVersionsApi, 0, frame)
      assert.equal(answered, 77)
      assert.equal(response.errorCode, ErrorCode.UNSUPPORTED_VERSION)
      assert.ok(response.apiKeys.some(api => api.apiKey === 18 && api.maxVersion >= 3))
    })
  })

  await t.test('a batch with a wrong CRC or a wrong length is refused with CORRUPT_MESSAGE, logged with the client, and not stored', async () => {
    await withClient(async client => {
      const badCrc = batchOf('payload-one', 'payload-two')
      badCrc.writeUInt8(badCrc.readUInt8(badCrc.length - 3) ^ 0x01, badCrc.length - 3)
      const tooLong = batchOf('payload')
      tooLong.writeInt32BE(tooLong.readInt32BE(8) + 100, 8)
      const response = await client.request(ProduceApi, 9, produceRequest(TOPIC, [{ index: 0, records: badCrc }, { index: 1, records: tooLong }]))
      assert.deepEqual(response.responses[0]?.partitionResponses.map(partition => [partition.index, partition.errorCode]),
        [[0, ErrorCode.CORRUPT_MESSAGE], [1, ErrorCode.CORRUPT_MESSAGE]])
      const offsets = await client.request(ListOffsetsApi, 7, listOffsetsRequest(TOPIC, 0))
      assert.equal(offsets.topics[0]?.partitions[0]?.offset, 0, 'nothing was stored')
      assert.ok(logs.warnings().some(line => line.client === client.localAddress && /CRC/.test(JSON.stringify(line))),
        'a warning names the client and the CRC mismatch')
    })
  })

  await t.test('magic 0 and magic 1 message sets are refused with UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    await withClient(async client => {
      for (const version of [3, 9]) {
        const response = await client.request(ProduceApi, version, produceRequest(TOPIC, [
          { index: 0, records: legacyMessageSet(0, 'magic zero') }, { index: 1, records: legacyMessageSet(1, 'magic one') }
        ]))
        assert.deepEqual(response.responses[0]?.partitionResponses.map(partition => partition.errorCode),
          [ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT], `Produce v${version}`)
      }
    })
  })

  await t.test('unknown topics get UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id) from Produce, Fetch, ListOffsets and Metadata, and are not created', async () => {
    await withClient(async client => {
      const produced = await client.request(ProduceApi, 9, produceRequest('no-such-topic', [{ index: 0, records: batchOf('lost') }]))
      assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const fetched = await client.request(FetchApi, 11, fetchRequest('no-such-topic', ZERO_UUID, 0))
      assert.equal(fetched.responses[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const fetchedById = await client.request(FetchApi, 13, fetchRequest('', randomUUID(), 0))
      assert.equal(fetchedById.responses[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
      const listed = await client.request(ListOffsetsApi, 7, listOffsetsRequest('no-such-topic', 0))
      assert.equal(listed.topics[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const metadata = await client.request(MetadataApi, 12, {
        topics: [{ topicId: ZERO_UUID, name: 'no-such-topic' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
      })
      assert.equal(metadata.topics[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const again = await client.request(MetadataApi, 12, {
        topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
      })
      assert.ok(!again.topics.some(topic => topic.name === 'no-such-topic'), 'no topic was auto-created')
    })
  })

  await t.test('negative and out-of-range partitions get UNKNOWN_TOPIC_OR_PARTITION while valid partitions of the same request succeed', async () => {
    await withClient(async client => {
      const produced = await client.request(ProduceApi, 9, produceRequest(TOPIC, [
        { index: -1, records: batchOf('minus one') }, { index: 1, records: batchOf('valid') }, { index: 2, records: batchOf('beyond') }
      ]))
      assert.deepEqual(produced.responses[0]?.partitionResponses.map(partition => [partition.index, partition.errorCode]),
        [[-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [1, 0], [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
      for (const partition of [-1, 2, -2147483648]) {
        const fetched = await client.request(FetchApi, 11, fetchRequest(TOPIC, ZERO_UUID, partition))
        assert.equal(fetched.responses[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Fetch partition ${partition}`)
        const listed = await client.request(ListOffsetsApi, 7, listOffsetsRequest(TOPIC, partition))
        assert.equal(listed.topics[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `ListOffsets partition ${partition}`)
      }
    })
  })

  await t.test('absurd array, string and bytes lengths close the connection at once', async () => {
    const int32 = (value: number): Buffer => {
      const bytes = Buffer.alloc(4)
      bytes.writeInt32BE(value, 0)
      return bytes
    }
    const int16 = (value: number): Buffer => {
      const bytes = Buffer.alloc(2)
      bytes.writeInt16BE(value, 0)
      return bytes
    }
    const cases: Array<[string, Buffer]> = [
      ['Metadata v4 with 2^31-1 topics', rawRequestFrame({ apiKey: 3, apiVersion: 4, correlationId: 1 }, Buffer.concat([int32(0x7fffffff), Buffer.alloc(8)]))],
      ['Metadata v4 with -2 topics', rawRequestFrame({ apiKey: 3, apiVersion: 4, correlationId: 1 }, Buffer.concat([int32(-2), Buffer.alloc(8)]))],
      ['Metadata v12 with 2^32-2 topics (compact)', rawRequestFrame({ apiKey: 3, apiVersion: 12, correlationId: 1, isFlexible: true }, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0]))],
      ['Metadata v12 with an 11-byte varint', rawRequestFrame({ apiKey: 3, apiVersion: 12, correlationId: 1, isFlexible: true }, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))],
      ['CreateTopics v2 with 2^31-2 topics', rawRequestFrame({ apiKey: 19, apiVersion: 2, correlationId: 1 }, Buffer.concat([int32(0x7ffffffe), Buffer.alloc(16)]))],
      ['Produce v3 with a 2 GiB record set', rawRequestFrame({ apiKey: 0, apiVersion: 3, correlationId: 1 }, Buffer.concat([
        int16(-1), int16(-1), int32(1000), int32(1), int16(TOPIC.length), Buffer.from(TOPIC), int32(1), int32(0), int32(0x7fffffff), Buffer.alloc(64)
      ]))],
      ['Produce v3 with a 32 KiB topic name in 10 bytes', rawRequestFrame({ apiKey: 0, apiVersion: 3, correlationId: 1 }, Buffer.concat([
        int16(-1), int16(-1), int32(1000), int32(1), int16(0x7fff), Buffer.alloc(10)
      ]))],
      ['Fetch v11 with 2^31-1 partitions', rawRequestFrame({ apiKey: 1, apiVersion: 11, correlationId: 1 }, Buffer.concat([
        int32(-1), int32(0), int32(0), int32(MiB), Buffer.from([0]), int32(0), int32(-1), int32(1), int16(TOPIC.length), Buffer.from(TOPIC), int32(0x7fffffff), Buffer.alloc(32)
      ]))]
    ]
    for (const [what, frame] of cases) {
      const startedAt = Date.now()
      await expectClosed(frame, /malformed|unreadable/, what)
      assert.ok(Date.now() - startedAt < 4_000, `${what}: closed promptly`)
    }
  })

  await t.test('a Fetch of no partitions waits its maxWaitMs without blocking other clients', async () => {
    await withClient(async fetcher => {
      const startedAt = Date.now()
      const parked = fetcher.request(FetchApi, 11, { ...fetchRequest(TOPIC, ZERO_UUID, 0), topics: [], maxWaitMs: 1500, minBytes: 1 << 30 })
      const versions = await withClient(client => client.request(ApiVersionsApi, 3, { clientSoftwareName: 'skiff-test', clientSoftwareVersion: '1' }))
      assert.equal(versions.errorCode, 0)
      assert.ok(Date.now() - startedAt < 1000, 'another client is answered while the empty fetch waits')
      const response = await parked
      assert.equal(response.errorCode, 0)
      assert.ok(Date.now() - startedAt >= 1400, 'the empty fetch waited its maxWaitMs')
    })
  })

  await t.test('a client that sends half a frame and disconnects leaves nothing behind', async () => {
    for (let round = 0; round < 20; round++) {
      const client = await WireClient.connect(bootstrap)
      const frame = encodeRequestFrame(ProduceApi, 9, ++correlationId, 'half', produceRequest(TOPIC, [{ index: 0, records: batchOf('half-sent') }]))
      client.sendRaw(frame.subarray(0, Math.floor(frame.length / 2)))
      client.close()
    }
    await withClient(async client => {
      const offsets = await client.request(ListOffsetsApi, 7, listOffsetsRequest(TOPIC, 0))
      assert.equal(offsets.topics[0]?.partitions[0]?.offset, 0, 'half-sent batches were not stored')
    })
  })

  await t.test('after all of this the node still serves a normal client', async () => {
    const versions = await withClient(client => client.request(ApiVersionsApi, 3, { clientSoftwareName: 'skiff-test', clientSoftwareVersion: '1' }))
    assert.equal(versions.errorCode, 0)
    const values = ['still', 'serving', 'after', 'bad', 'input']
    await kcatProduce(bootstrap, TOPIC, values, ['-p', '0'])
    const received = await kcatConsume(bootstrap, TOPIC, ['-p', '0', '-o', 'beginning'])
    assert.deepEqual(received.map(message => message.payload), values)
  })
})
