// Our codecs against two independent client implementations: requests encoded by
// @platformatic/kafka (flexible versions) and kafkajs (classic versions) decode to what they sent,
// and responses we encode parse in those clients. This catches mistakes a round trip cannot,
// where our encoder and decoder agree with each other but not with Kafka.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import {
  Reader as ClientReader, apiVersionsV4, fetchV17, findCoordinatorV6, heartbeatV4, initProducerIdV5, joinGroupV9,
  listOffsetsV9, metadataV12, offsetCommitV9, produceV11, syncGroupV5, type Writer as ClientWriter
} from '@platformatic/kafka'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import type { ApiDescriptor } from '../../src/protocol/api-descriptor.ts'
import { ApiVersionsApi } from '../../src/protocol/messages/api-versions.ts'
import { FetchApi, type FetchResponse } from '../../src/protocol/messages/fetch.ts'
import { FindCoordinatorApi } from '../../src/protocol/messages/find-coordinator.ts'
import { HeartbeatApi } from '../../src/protocol/messages/heartbeat.ts'
import { InitProducerIdApi } from '../../src/protocol/messages/init-producer-id.ts'
import { JoinGroupApi } from '../../src/protocol/messages/join-group.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { OffsetCommitApi } from '../../src/protocol/messages/offset-commit.ts'
import { ProduceApi, decodeProduceRequest } from '../../src/protocol/messages/produce.ts'
import { SyncGroupApi } from '../../src/protocol/messages/sync-group.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import type { RecordsInput } from '../../src/protocol/primitives/writer.ts'

const TOPIC_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'

/** Decodes a request body that a client encoded, checking that every byte was read. */
function decodeClientRequest<Request> (
  api: ApiDescriptor<Request, unknown>, version: number, body: ClientWriter
): Request {
  const bytes = body.buffer
  const reader = new Reader(bytes)
  const request = api.decodeRequest(reader, version)
  assert.equal(reader.offset, bytes.length, `${api.name} v${version}: the whole body was read`)
  return request
}

/** Encodes a response body with our codec and hands it to the client's parser. */
function parseInClient<Response> (
  api: ApiDescriptor<unknown, Response>, version: number, response: Response,
  parse: (correlationId: number, apiKey: number, apiVersion: number, reader: ClientReader) => unknown
): unknown {
  const writer = new Writer()
  api.encodeResponse(writer, version, response)
  return parse(1, api.apiKey, version, ClientReader.from(writer.toBuffer()))
}

test('@platformatic/kafka: Metadata v12 request and response', () => {
  const request = decodeClientRequest(MetadataApi, 12, metadataV12.createRequest(['orders', 'events'], true, false))
  assert.deepEqual(request.topics, [{ topicId: ZERO_UUID, name: 'orders' }, { topicId: ZERO_UUID, name: 'events' }])
  assert.equal(request.allowAutoTopicCreation, true)
  const partition = {
    errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1], isrNodes: [1], offlineReplicas: []
  }
  const topic = {
    errorCode: 0,
    name: 'orders',
    topicId: TOPIC_ID,
    isInternal: false,
    partitions: [partition],
    topicAuthorizedOperations: 5
  }
  const brokers = [{ nodeId: 1, host: 'broker-1', port: 9092, rack: null }]
  const parsed = parseInClient(MetadataApi, 12, {
    throttleTimeMs: 0, brokers, clusterId: 'cluster', controllerId: 1, topics: [topic], clusterAuthorizedOperations: 0
  }, metadataV12.parseResponse)
  assert.deepEqual(parsed, { throttleTimeMs: 0, brokers, clusterId: 'cluster', controllerId: 1, topics: [topic] })
})

test('@platformatic/kafka: ApiVersions v4, FindCoordinator v6, Heartbeat v4, InitProducerId v5', () => {
  assert.deepEqual(decodeClientRequest(ApiVersionsApi, 4, apiVersionsV4.createRequest('plt-kafka', '1.35.0')),
    { clientSoftwareName: 'plt-kafka', clientSoftwareVersion: '1.35.0' })
  const apiKeys = [{ apiKey: 0, minVersion: 3, maxVersion: 11 }, { apiKey: 1, minVersion: 4, maxVersion: 17 }]
  const versionsResponse = { errorCode: 0, apiKeys, throttleTimeMs: 0 }
  const versions = parseInClient(ApiVersionsApi, 4, versionsResponse, apiVersionsV4.parseResponse)
  assert.ok(isRecord(versions) && Array.isArray(versions.apiKeys))
  const keys = versions.apiKeys as Array<{ apiKey: number, maxVersion: number }>
  assert.deepEqual(keys.map(key => [key.apiKey, key.maxVersion]), [[0, 11], [1, 17]])

  assert.deepEqual(decodeClientRequest(FindCoordinatorApi, 6, findCoordinatorV6.createRequest(0, ['group-a'])),
    { key: '', keyType: 0, coordinatorKeys: ['group-a'] })
  const coordinators = [{ key: 'group-a', nodeId: 2, host: 'h', port: 9093, errorCode: 0, errorMessage: null }]
  const coordinator = parseInClient(FindCoordinatorApi, 6, {
    throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 0, host: '', port: 0, coordinators
  }, findCoordinatorV6.parseResponse)
  assert.deepEqual(coordinator, { throttleTimeMs: 0, coordinators })

  assert.deepEqual(decodeClientRequest(HeartbeatApi, 4, heartbeatV4.createRequest('g', 5, 'member-1', 'instance')),
    { groupId: 'g', generationId: 5, memberId: 'member-1', groupInstanceId: 'instance' })
  assert.deepEqual(parseInClient(HeartbeatApi, 4, { throttleTimeMs: 7, errorCode: 0 }, heartbeatV4.parseResponse),
    { throttleTimeMs: 7, errorCode: 0 })

  assert.deepEqual(decodeClientRequest(InitProducerIdApi, 5, initProducerIdV5.createRequest('tx', 60000, 2n ** 40n, 3)),
    { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: 2 ** 40, producerEpoch: 3 })
  assert.deepEqual(parseInClient(InitProducerIdApi, 5, {
    throttleTimeMs: 0, errorCode: 0, producerId: 2 ** 45 + 1, producerEpoch: 9
  }, initProducerIdV5.parseResponse), { throttleTimeMs: 0, errorCode: 0, producerId: 2n ** 45n + 1n, producerEpoch: 9 })
})

test('@platformatic/kafka: JoinGroup v9 and SyncGroup v5', () => {
  const metadata = Buffer.from('subscription')
  const protocols = [{ name: 'range', metadata }]
  const joinBody = joinGroupV9.createRequest('g', 30000, 60000, '', null, 'consumer', protocols, 'hello')
  assert.deepEqual(
    decodeClientRequest(JoinGroupApi, 9, joinBody),
    {
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata }],
      reason: 'hello'
    }
  )
  const joined = parseInClient(JoinGroupApi, 9, {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: 1,
    protocolType: 'consumer',
    protocolName: 'range',
    leader: 'm1',
    skipAssignment: false,
    memberId: 'm1',
    members: [{ memberId: 'm1', groupInstanceId: null, metadata }]
  }, joinGroupV9.parseResponse) as { members: Array<{ memberId: string, metadata: Buffer }>, protocolName: string }
  assert.equal(joined.protocolName, 'range')
  const members = joined.members.map(member => [member.memberId, member.metadata.toString()])
  assert.deepEqual(members, [['m1', 'subscription']])

  const assignment = Buffer.from('assignment')
  const syncBody = syncGroupV5.createRequest('g', 1, 'm1', null, 'consumer', 'range', [{ memberId: 'm1', assignment }])
  assert.deepEqual(decodeClientRequest(SyncGroupApi, 5, syncBody), {
    groupId: 'g',
    generationId: 1,
    memberId: 'm1',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: 'm1', assignment }]
  })
  const synced = parseInClient(SyncGroupApi, 5, {
    throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment
  }, syncGroupV5.parseResponse) as { assignment: Buffer }
  assert.equal(synced.assignment.toString(), 'assignment')
})

test('@platformatic/kafka: OffsetCommit v9 and ListOffsets v9', () => {
  const commit = decodeClientRequest(OffsetCommitApi, 9, offsetCommitV9.createRequest('g', 4, 'm1', null, [{
    name: 't',
    partitions: [{ partitionIndex: 2, committedOffset: 2n ** 33n, committedLeaderEpoch: -1, committedMetadata: 'meta' }]
  }]))
  assert.deepEqual(commit.topics, [{
    name: 't',
    partitions: [{
      partitionIndex: 2,
      committedOffset: 2 ** 33,
      committedLeaderEpoch: -1,
      commitTimestamp: -1,
      committedMetadata: 'meta'
    }]
  }])
  const committed = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 0 }] }] }
  assert.deepEqual(parseInClient(OffsetCommitApi, 9, committed, offsetCommitV9.parseResponse), committed)

  const list = decodeClientRequest(ListOffsetsApi, 9, listOffsetsV9.createRequest(-1, 1, [{
    name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -1n }]
  }]))
  assert.deepEqual(list, {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{
      name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -1, maxNumOffsets: 1 }]
    }],
    timeoutMs: 0
  })
  const listed = { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1, offset: 42, leaderEpoch: 5 }
  assert.deepEqual(parseInClient(ListOffsetsApi, 9, {
    throttleTimeMs: 0, topics: [{ name: 't', partitions: [listed] }]
  }, listOffsetsV9.parseResponse), {
    throttleTimeMs: 0,
    topics: [{
      name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 42n, leaderEpoch: 5 }]
    }]
  })
})

test('@platformatic/kafka: Produce v11 with a record batch, and Fetch v17 carrying it back', () => {
  const message = { topic: 't', partition: 1, key: Buffer.from('k'), value: Buffer.from('v') }
  const body = produceV11.createRequest(-1, 30000, [message])
  const request = decodeProduceRequest(new Reader(body.buffer), 11)
  assert.equal(request.acks, -1)
  assert.equal(request.timeoutMs, 30000)
  const partition = request.topicData[0]?.partitionData[0]
  assert.equal(request.topicData[0]?.name, 't')
  assert.equal(partition?.index, 1)
  const batch = partition?.records
  assert.ok(Buffer.isBuffer(batch) && batch.length > 61, 'records are the client record batch')
  assert.equal(batch.readInt8(16), 2, 'record batch magic v2')

  const produced = parseInClient(ProduceApi, 11, {
    responses: [{
      name: 't',
      partitionResponses: [{
        index: 1,
        errorCode: 0,
        baseOffset: 7,
        logAppendTimeMs: -1,
        logStartOffset: 0,
        recordErrors: [],
        errorMessage: null
      }]
    }],
    throttleTimeMs: 0
  }, produceV11.parseResponse) as { responses: Array<{ partitionResponses: Array<{ baseOffset: bigint }> }> }
  assert.equal(produced.responses[0]?.partitionResponses[0]?.baseOffset, 7n)

  const fetchPartition = {
    partition: 1, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20
  }
  const fetchTopics = [{ topicId: TOPIC_ID, partitions: [fetchPartition] }]
  const fetchBody = fetchV17.createRequest(500, 1, 1048576, 0, 0, -1, fetchTopics, [], '')
  const fetchRequest = decodeClientRequest(FetchApi, 17, fetchBody)
  assert.equal(fetchRequest.maxWaitMs, 500)
  assert.deepEqual(fetchRequest.topics[0]?.partitions[0]?.fetchOffset, 0)
  assert.equal(fetchRequest.topics[0]?.topicId, TOPIC_ID)

  const response: FetchResponse<RecordsInput> = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: '',
      topicId: TOPIC_ID,
      partitions: [{
        partitionIndex: 1,
        errorCode: 0,
        highWatermark: 1,
        lastStableOffset: 1,
        logStartOffset: 0,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: [batch.subarray(0, 20), batch.subarray(20)]
      }]
    }]
  }
  const fetched = parseInClient(FetchApi, 17, response, fetchV17.parseResponse) as FetchedPlt
  const records = fetched.responses[0]?.partitions[0]?.records?.[0]?.records
  assert.equal(records?.[0]?.value.toString(), 'v')
  assert.equal(records?.[0]?.key.toString(), 'k')
})

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

interface FetchedPlt {
  responses: Array<{ partitions: Array<{ records?: Array<{ records: Array<{ key: Buffer, value: Buffer }> }> }> }>
}

// kafkajs is CommonJS and its protocol modules have no types.
const require = createRequire(import.meta.url)
interface KafkajsRequest { encode: () => Promise<{ buffer: Buffer }> }
type KafkajsRequestFactory = (args: Record<string, unknown>) => KafkajsRequest
interface KafkajsResponse { decode: (body: Buffer) => Promise<unknown> }

test('kafkajs: Produce v3 request with a record batch, Fetch v11 response carrying it back', async () => {
  const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as KafkajsRequestFactory
  const { buffer } = await produceV3({
    acks: 1,
    timeout: 1000,
    topicData: [{
      topic: 'kjs',
      partitions: [{ partition: 0, firstSequence: 0, messages: [{ key: 'a', value: 'hello', timestamp: 1 }] }]
    }]
  }).encode()
  const reader = new Reader(buffer)
  const request = ProduceApi.decodeRequest(reader, 3)
  assert.equal(reader.remaining, 0)
  assert.equal(request.transactionalId, null)
  assert.equal(request.topicData[0]?.name, 'kjs')
  const batch = request.topicData[0]?.partitionData[0]?.records
  assert.ok(Buffer.isBuffer(batch))

  const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/response') as KafkajsResponse
  const writer = new Writer()
  FetchApi.encodeResponse(writer, 11, {
    throttleTimeMs: 3,
    errorCode: 0,
    sessionId: 12,
    responses: [{
      topic: 'kjs',
      topicId: ZERO_UUID,
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 1,
        lastStableOffset: 1,
        logStartOffset: 0,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: [batch]
      }]
    }]
  })
  interface KafkajsPartition { highWatermark: string, messages: Array<{ key: Buffer, value: Buffer }> }
  const decoded = await fetchV11.decode(writer.toBuffer()) as {
    sessionId: number, responses: Array<{ topicName: string, partitions: KafkajsPartition[] }>
  }
  assert.equal(decoded.sessionId, 12)
  assert.equal(decoded.responses[0]?.topicName, 'kjs')
  assert.equal(decoded.responses[0]?.partitions[0]?.highWatermark, '1')
  assert.equal(decoded.responses[0]?.partitions[0]?.messages[0]?.value.toString(), 'hello')
})

test('kafkajs: Fetch v11 and JoinGroup v5 requests, Metadata v6 response', async () => {
  const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/request') as KafkajsRequestFactory
  const fetchBody = await fetchV11({
    replicaId: -1,
    maxWaitTime: 5000,
    minBytes: 1,
    maxBytes: 10485760,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic: 'kjs',
      partitions: [{
        partition: 0, currentLeaderEpoch: -1, fetchOffset: '12345678901', logStartOffset: '-1', maxBytes: 1048576
      }]
    }],
    forgottenTopics: [],
    rackId: 'rack-a'
  }).encode()
  const fetchRequest = FetchApi.decodeRequest(new Reader(fetchBody.buffer), 11)
  assert.equal(fetchRequest.maxWaitMs, 5000)
  assert.equal(fetchRequest.rackId, 'rack-a')
  assert.equal(fetchRequest.topics[0]?.partitions[0]?.fetchOffset, 12345678901)

  const joinGroupV5 = require('kafkajs/src/protocol/requests/joinGroup/v5/request') as KafkajsRequestFactory
  const joinBody = await joinGroupV5({
    groupId: 'kg',
    sessionTimeout: 10000,
    rebalanceTimeout: 20000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    groupProtocols: [{ name: 'roundrobin', metadata: Buffer.from([0, 1]) }]
  }).encode()
  const join = JoinGroupApi.decodeRequest(new Reader(joinBody.buffer), 5)
  assert.equal(join.groupId, 'kg')
  assert.equal(join.rebalanceTimeoutMs, 20000)
  assert.deepEqual(join.protocols, [{ name: 'roundrobin', metadata: Buffer.from([0, 1]) }])

  const metadataV6 = require('kafkajs/src/protocol/requests/metadata/v6/response') as KafkajsResponse
  const writer = new Writer()
  MetadataApi.encodeResponse(writer, 6, {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 0, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'c',
    controllerId: 0,
    topics: [{
      errorCode: 0,
      name: 'kjs',
      topicId: ZERO_UUID,
      isInternal: false,
      partitions: [{
        errorCode: 0,
        partitionIndex: 0,
        leaderId: 0,
        leaderEpoch: 0,
        replicaNodes: [0],
        isrNodes: [0],
        offlineReplicas: []
      }],
      topicAuthorizedOperations: -2147483648
    }],
    clusterAuthorizedOperations: -2147483648
  })
  const metadata = await metadataV6.decode(writer.toBuffer()) as {
    brokers: Array<{ host: string }>
    topicMetadata: Array<{ topic: string, partitionMetadata: Array<{ leader: number }> }>
  }
  assert.equal(metadata.brokers[0]?.host, 'localhost')
  assert.equal(metadata.topicMetadata[0]?.topic, 'kjs')
  assert.equal(metadata.topicMetadata[0]?.partitionMetadata[0]?.leader, 0)
})
