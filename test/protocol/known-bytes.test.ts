// Frames written out byte by byte from the Kafka protocol guide, checked in both directions:
// our decoders read them, and our encoders write exactly these bytes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, readRequestHeader
} from '../../src/protocol/frame.ts'
import { ApiVersionsApi, type ApiVersionsResponse } from '../../src/protocol/messages/api-versions.ts'
import { MetadataApi, type MetadataRequest } from '../../src/protocol/messages/metadata.ts'
import { ProduceApi } from '../../src/protocol/messages/produce.ts'
import { FetchApi, type FetchResponse } from '../../src/protocol/messages/fetch.ts'
import { ControlledShutdownApi } from '../../src/protocol/messages/controlled-shutdown.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import type { RecordsInput } from '../../src/protocol/primitives/writer.ts'

/** Hex with spaces and comments ("# ...") allowed, for readable test vectors. */
function hex (text: string): Buffer {
  return Buffer.from(text.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex')
}

/** Prepends the 4-byte size. */
function sized (body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

test('reads an ApiVersions v3 request as librdkafka sends it (header v2, compact body)', () => {
  const frame = hex(`
    0012 0003 00000001        # api key 18, version 3, correlation id 1
    0007 72646b61666b61       # client id 'rdkafka' (classic string even in header v2)
    00                        # header tagged fields: none
    0b 6c696272646b61666b61   # client software name 'librdkafka' (compact: length + 1)
    06 322e332e30             # client software version '2.3.0'
    00                        # tagged fields: none
  `)
  const { header, request } = decodeRequestFrame(ApiVersionsApi, frame)
  assert.deepEqual(
    { ...header, api: header.api?.name },
    {
      apiKey: 18,
      apiVersion: 3,
      correlationId: 1,
      clientId: 'rdkafka',
      headerVersion: 2,
      api: 'ApiVersions',
      bodyOffset: 18
    }
  )
  assert.deepEqual(request, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0' })
  assert.ok(encodeRequestFrame(ApiVersionsApi, 3, 1, 'rdkafka', request).equals(sized(frame)))
})

test('skips unknown tagged fields in the request header and body', () => {
  const frame = hex(`
    0012 0003 00000002 0003 636c69
    02 05 02 abcd 7f 00       # header: 2 tagged fields: tag 5 (2 bytes), tag 127 (empty)
    04 6a7661 02 31           # 'jva', '1'
    01 0a 03 010203           # body: 1 tagged field: tag 10 (3 bytes)
  `)
  const { header, request } = decodeRequestFrame(ApiVersionsApi, frame)
  assert.equal(header.clientId, 'cli')
  assert.equal(header.bodyOffset, 20)
  assert.deepEqual(request, { clientSoftwareName: 'jva', clientSoftwareVersion: '1' })
})

test('answers an ApiVersions v3 request with response header v0 and tagged finalized features epoch', () => {
  const response: ApiVersionsResponse = {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 0,
    finalizedFeaturesEpoch: 5
  }
  const expected = hex(`
    00000007                  # correlation id; ApiVersions always answers with header v0 (no tagged fields)
    0000                      # error code
    03                        # 2 api keys
    0000 0000 000b 00         # Produce 0-11
    0012 0000 0004 00         # ApiVersions 0-4
    00000000                  # throttle time
    01 01 08 0000000000000005 # 1 tagged field: tag 1, 8 bytes: finalized features epoch 5
  `)
  const frame = Buffer.concat(encodeResponseFrame(ApiVersionsApi, 3, 7, response))
  assert.equal(frame.toString('hex'), sized(expected).toString('hex'))
  const decoded = decodeResponseFrame(ApiVersionsApi, 3, expected)
  assert.equal(decoded.correlationId, 7)
  assert.equal(decoded.response.finalizedFeaturesEpoch, 5)
  assert.deepEqual(decoded.response.supportedFeatures, [])
})

test('reads a Metadata v12 request with a topic by name and one with all topics (null)', () => {
  const frame = hex(`
    0003 000c 0000002a 0006 6d792d617070 00   # Metadata v12, correlation 42, client 'my-app'
    02                                        # 1 topic
    00000000000000000000000000000000          # topic id: zero uuid
    07 6f7264657273                           # name 'orders'
    00                                        # topic tagged fields
    01                                        # allow auto topic creation
    00                                        # include topic authorized operations
    00                                        # tagged fields
  `)
  const { header, request } = decodeRequestFrame(MetadataApi, frame)
  assert.equal(header.correlationId, 42)
  assert.equal(header.clientId, 'my-app')
  const expected: MetadataRequest = {
    topics: [{ topicId: ZERO_UUID, name: 'orders' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false
  }
  assert.deepEqual(request, expected)
  assert.ok(encodeRequestFrame(MetadataApi, 12, 42, 'my-app', expected).equals(sized(frame)))

  const allTopics = hex('0003 000c 0000002b 0006 6d792d617070 00 00 00 01 00')
  assert.equal(decodeRequestFrame(MetadataApi, allTopics).request.topics, null)
})

test('reads a classic Produce v3 request; the records are a view of the frame, not a copy', () => {
  const frame = hex(`
    0000 0003 00000009 ffff             # Produce v3, correlation 9, null client id
    ffff                                # null transactional id
    ffff 00007530                       # acks -1, timeout 30000
    00000001 0001 74                    # 1 topic: 't'
    00000001 00000002                   # 1 partition: index 2
    00000005 0102030405                 # records: 5 bytes
  `)
  const { header, request } = decodeRequestFrame(ProduceApi, frame)
  assert.equal(header.clientId, null)
  assert.equal(header.headerVersion, 1)
  const records = request.topicData[0]?.partitionData[0]?.records
  assert.ok(Buffer.isBuffer(records))
  assert.deepEqual([...records], [1, 2, 3, 4, 5])
  assert.equal(records.buffer, frame.buffer, 'records share the frame memory')
  assert.equal(request.transactionalId, null)
  assert.equal(request.acks, -1)
  assert.equal(request.timeoutMs, 30000)
})

test('writes Fetch v12 records as the given chunks, without copying them', () => {
  const stored = [Buffer.alloc(20_000, 7), Buffer.alloc(30, 8)]
  const response: FetchResponse<RecordsInput> = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: 'events',
      topicId: ZERO_UUID,
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 2 ** 40,
        lastStableOffset: 2 ** 40,
        logStartOffset: 0,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: stored
      }]
    }]
  }
  const chunks = encodeResponseFrame(FetchApi, 12, 3, response)
  for (const chunk of stored) assert.ok(chunks.includes(chunk), 'record chunks are passed through')
  const frame = Buffer.concat(chunks)
  assert.equal(frame.readInt32BE(0), frame.length - 4)
  // Header v1: correlation id, then an empty tagged-field section.
  assert.equal(frame.subarray(4, 9).toString('hex'), '0000000300')
  const { response: decoded } = decodeResponseFrame(FetchApi, 12, frame.subarray(4))
  const partition = decoded.responses[0]?.partitions[0]
  assert.equal(partition?.highWatermark, 2 ** 40)
  const records = partition?.records
  assert.ok(Buffer.isBuffer(records) && records.equals(Buffer.concat(stored)), 'decoded records are one buffer')
  // Compact records length: 20030 + 1 as a uvarint is bf 9c 01.
  const recordsAt = frame.indexOf(stored[0] as Buffer) - 3
  assert.equal(frame.subarray(recordsAt, recordsAt + 3).toString('hex'), 'bf9c01')
})

test('int64 values beyond 2^53 lose precision the way Number(bigint) does', () => {
  const response = Buffer.concat(encodeResponseFrame(FetchApi, 5, 1, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: 't',
      topicId: ZERO_UUID,
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 2 ** 63,
        lastStableOffset: -(2 ** 60) - 1,
        logStartOffset: Number.MAX_SAFE_INTEGER,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: null
      }]
    }]
  }))
  const partition = decodeResponseFrame(FetchApi, 5, response.subarray(4)).response.responses[0]?.partitions[0]
  assert.equal(partition?.highWatermark, Number(BigInt.asIntN(64, 2n ** 63n)))
  assert.equal(partition?.lastStableOffset, Number(-(2n ** 60n) - 1n))
  assert.equal(partition?.logStartOffset, Number.MAX_SAFE_INTEGER)
  assert.equal(partition?.records, null)
})

test('ControlledShutdown v0 uses request header v0, without a client id', () => {
  const frame = hex('0007 0000 00000005 00000003')
  const header = readRequestHeader(frame)
  assert.equal(header.headerVersion, 0)
  assert.equal(header.clientId, null)
  assert.equal(header.bodyOffset, 8)
  assert.equal(ControlledShutdownApi.requestHeaderVersion(3), 2)
  assert.equal(ControlledShutdownApi.requestHeaderVersion(1), 1)
})

test('an unknown API key or version is read with header v1, so the broker can still answer', () => {
  const unknownKey = hex('7fff 0000 0000000b 0003 636c69 deadbeef')
  assert.deepEqual(
    { ...readRequestHeader(unknownKey) },
    {
      apiKey: 32767, apiVersion: 0, correlationId: 11, clientId: 'cli', headerVersion: 1, api: undefined, bodyOffset: 13
    }
  )
  // ApiVersions v99 from a future client: header v2 bytes, read as v1; the client id is still right.
  const futureVersion = hex('0012 0063 0000000c 0003 636c69 00 00')
  const header = readRequestHeader(futureVersion)
  assert.equal(header.apiVersion, 99)
  assert.equal(header.correlationId, 12)
  assert.equal(header.clientId, 'cli')
  assert.equal(header.headerVersion, 1)
  assert.equal(header.api?.name, 'ApiVersions')
})
