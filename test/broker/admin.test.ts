// The admin APIs against a real node on a socket: KafkaJS's admin client for what it covers, and
// the project's codecs over a raw connection for newer versions and exact error codes and messages.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test, type TestContext } from 'node:test'
import kafkajs, { type Kafka } from 'kafkajs'
import { Admin, ConfigResourceTypes as PlatformaticResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka'
import { startNode } from '../../src/app.ts'
import { loadConfig, type SkiffConfigInput } from '../../src/config/config.ts'
import type { ApiDescriptor } from '../../src/protocol/api-descriptor.ts'
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frame.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import { CreateTopicsApi, type CreatableTopic } from '../../src/protocol/messages/create-topics.ts'
import { DeleteTopicsApi } from '../../src/protocol/messages/delete-topics.ts'
import { CreatePartitionsApi } from '../../src/protocol/messages/create-partitions.ts'
import { DescribeConfigsApi } from '../../src/protocol/messages/describe-configs.ts'
import { AlterConfigsApi } from '../../src/protocol/messages/alter-configs.ts'
import { IncrementalAlterConfigsApi } from '../../src/protocol/messages/incremental-alter-configs.ts'
import { DeleteRecordsApi } from '../../src/protocol/messages/delete-records.ts'
import { DescribeClusterApi } from '../../src/protocol/messages/describe-cluster.ts'
import { DescribeProducersApi } from '../../src/protocol/messages/describe-producers.ts'
import { OffsetForLeaderEpochApi } from '../../src/protocol/messages/offset-for-leader-epoch.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { ListOffsetsApi } from '../../src/protocol/messages/list-offsets.ts'
import { topicConfigDefinition } from '../../src/broker/topic-configs.ts'

const { ConfigResourceTypes, logLevel } = kafkajs
const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3

/** Requests over one raw connection, one at a time, with the project's codecs. */
class RawClient {
  readonly #socket: net.Socket
  #buffered = Buffer.alloc(0)
  #correlationId = 0
  #waiting: ((frame: Buffer) => void) | undefined

  private constructor (socket: net.Socket) {
    this.#socket = socket
    socket.on('data', data => {
      this.#buffered = Buffer.concat([this.#buffered, data])
      if (this.#buffered.length < 4) return
      const size = this.#buffered.readInt32BE(0)
      if (this.#buffered.length < 4 + size) return
      const frame = this.#buffered.subarray(4, 4 + size)
      this.#buffered = this.#buffered.subarray(4 + size)
      this.#waiting?.(frame)
    })
  }

  static async connect (port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawClient(socket)
  }

  async request<Request, Response> (api: ApiDescriptor<Request, Response>, version: number, body: Request): Promise<Response> {
    const correlationId = ++this.#correlationId
    const frame = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${api.name} v${version}: no response`)), 10_000)
      this.#waiting = received => {
        clearTimeout(timer)
        resolve(received)
      }
    })
    this.#socket.write(encodeRequestFrame(api, version, correlationId, 'admin-test', body))
    const decoded = decodeResponseFrame(api, version, await frame)
    assert.equal(decoded.correlationId, correlationId)
    return decoded.response
  }

  close (): void {
    this.#socket.destroy()
  }
}

interface Harness {
  port: number
  nodeId: number
  raw: RawClient
  kafka: Kafka
}

async function startHarness (t: TestContext, config: SkiffConfigInput = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'skiff-admin-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const node = await startNode(loadConfig({ host: '127.0.0.1', port: 0, logLevel: 'silent', ...config, dataDir }, {}))
  t.after(() => node.close())
  const raw = await RawClient.connect(node.port)
  t.after(() => raw.close())
  const kafka = new kafkajs.Kafka({ clientId: 'admin-test', brokers: [`127.0.0.1:${node.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
  return { port: node.port, nodeId: node.nodeId, raw, kafka }
}

function creatable (name: string, numPartitions = 1, configs: Record<string, string | null> = {}, extra: Partial<CreatableTopic> = {}): CreatableTopic {
  return {
    name,
    numPartitions,
    replicationFactor: -1,
    assignments: [],
    configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
    ...extra
  }
}

async function createTopics (raw: RawClient, topics: CreatableTopic[], validateOnly = false, version = 7) {
  const response = await raw.request(CreateTopicsApi, version, { topics, timeoutMs: 5000, validateOnly })
  return response.topics
}

async function describeTopicConfigs (raw: RawClient, name: string, keys: string[] | null = null, version = 4) {
  const response = await raw.request(DescribeConfigsApi, version, {
    resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: true
  })
  const [result] = response.results
  assert.ok(result !== undefined)
  return result
}

async function configValue (raw: RawClient, name: string, key: string): Promise<string | null | undefined> {
  const result = await describeTopicConfigs(raw, name, [key])
  return result.configs.find(config => config.name === key)?.value
}

async function metadataPartitions (raw: RawClient, name: string): Promise<{ errorCode: number, partitions: number }> {
  const response = await raw.request(MetadataApi, 12, {
    topics: [{ topicId: ZERO_UUID, name }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
  })
  const topic = response.topics[0]
  assert.ok(topic !== undefined)
  return { errorCode: topic.errorCode, partitions: topic.partitions.length }
}

async function earliestOffset (raw: RawClient, name: string, partition: number): Promise<number> {
  const response = await raw.request(ListOffsetsApi, 7, {
    replicaId: -1, isolationLevel: 0, topics: [{ name, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 }] }], timeoutMs: 5000
  })
  const result = response.topics[0]?.partitions[0]
  assert.ok(result !== undefined)
  assert.equal(result.errorCode, 0)
  return result.offset
}

test('CreateTopics', async t => {
  const { raw, kafka } = await startHarness(t)
  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())

  await t.test('KafkaJS creates a topic that Metadata then lists with its partitions', async () => {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-created', numPartitions: 3 }] }), true)
    assert.deepEqual(await metadataPartitions(raw, 'kjs-created'), { errorCode: 0, partitions: 3 })
    assert.ok((await admin.listTopics()).includes('kjs-created'))
  })

  await t.test('KafkaJS gets false (TOPIC_ALREADY_EXISTS) for a topic that exists', async () => {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-created', numPartitions: 3 }] }), false)
  })

  await t.test('v7 reports the topic id, partition count, replication factor 3 and effective configs', async () => {
    const [result] = await createTopics(raw, [creatable('v7-topic', 2, { 'retention.ms': '3600000' })])
    assert.ok(result !== undefined)
    assert.equal(result.errorCode, 0)
    assert.equal(result.errorMessage, null)
    assert.notEqual(result.topicId, ZERO_UUID)
    assert.equal(result.numPartitions, 2)
    assert.equal(result.replicationFactor, 3)
    const configs = new Map(result.configs?.map(config => [config.name, config]))
    assert.deepEqual(configs.get('retention.ms'), { name: 'retention.ms', value: '3600000', readOnly: false, configSource: 1, isSensitive: false })
    assert.equal(configs.get('max.message.bytes')?.value, '1048588')
    assert.equal(configs.get('max.message.bytes')?.configSource, 5)
    assert.equal(configs.get('cleanup.policy')?.value, 'delete')
    const metadata = await raw.request(MetadataApi, 12, {
      topics: [{ topicId: result.topicId, name: null }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
    })
    assert.equal(metadata.topics[0]?.name, 'v7-topic')
  })

  await t.test('numPartitions -1 takes the default partition count and replication factors 1-3 are accepted', async () => {
    const results = await createTopics(raw, [
      creatable('default-partitions', -1),
      creatable('rf-one', 1, {}, { replicationFactor: 1 }),
      creatable('rf-three', 1, {}, { replicationFactor: 3 })
    ])
    assert.deepEqual(results.map(result => [result.name, result.errorCode, result.numPartitions, result.replicationFactor]), [
      ['default-partitions', 0, 1, 3], ['rf-one', 0, 1, 3], ['rf-three', 0, 1, 3]
    ])
  })

  await t.test('validateOnly checks everything but creates nothing', async () => {
    const results = await createTopics(raw, [creatable('validated', 4, { 'cleanup.policy': 'compact' }), creatable('bad name', 1)], true)
    assert.deepEqual(results.map(result => [result.name, result.errorCode]), [['validated', 0], ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION]])
    assert.equal(results[0]?.topicId, ZERO_UUID)
    assert.equal(results[0]?.numPartitions, 4)
    assert.equal((await metadataPartitions(raw, 'validated')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-validated' }], validateOnly: true, waitForLeaders: false }), true)
    assert.ok(!(await admin.listTopics()).includes('kjs-validated'))
  })

  await t.test('illegal names answer INVALID_TOPIC_EXCEPTION with Kafka\'s reason', async () => {
    const names = ['', '.', '..', 'has space', 'slash/topic', 'x'.repeat(250), 'ünïcode']
    const results = await createTopics(raw, names.map(name => creatable(name)))
    for (const [index, result] of results.entries()) {
      assert.equal(result.name, names[index])
      assert.equal(result.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, `${names[index]} is refused`)
      assert.match(result.errorMessage ?? '', /^Topic name is invalid: /)
    }
    assert.match(results[3]?.errorMessage ?? '', /characters other than ASCII alphanumerics/)
    assert.match(results[5]?.errorMessage ?? '', /longer than the max allowed length 249/)
    const [longest] = await createTopics(raw, [creatable('y'.repeat(249))])
    assert.equal(longest?.errorCode, 0)
  })

  await t.test('a name colliding on . and _ with an existing topic is refused', async () => {
    await createTopics(raw, [creatable('metrics.collide')])
    const [result] = await createTopics(raw, [creatable('metrics_collide')])
    assert.equal(result?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.match(result?.errorMessage ?? '', /collides with existing topic: metrics\.collide/)
  })

  await t.test('existing topics, duplicates, bad counts and assignments get their error codes and messages', async () => {
    const results = await createTopics(raw, [
      creatable('v7-topic'),
      creatable('twice'),
      creatable('twice'),
      creatable('zero-partitions', 0),
      creatable('negative-partitions', -3),
      creatable('rf-four', 1, {}, { replicationFactor: 4 }),
      creatable('rf-zero', 1, {}, { replicationFactor: 0 }),
      creatable('assigned', -1, {}, { assignments: [{ partitionIndex: 0, brokerIds: [1] }] })
    ])
    assert.deepEqual(results.map(result => [result.name, result.errorCode]), [
      ['v7-topic', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['twice', ErrorCode.INVALID_REQUEST],
      ['zero-partitions', ErrorCode.INVALID_PARTITIONS],
      ['negative-partitions', ErrorCode.INVALID_PARTITIONS],
      ['rf-four', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['rf-zero', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['assigned', ErrorCode.INVALID_REQUEST]
    ])
    assert.equal(results[0]?.errorMessage, "Topic 'v7-topic' already exists.")
    assert.equal(results[1]?.errorMessage, 'Duplicate topic name.')
    for (const result of results) assert.equal(result.numPartitions, -1)
    assert.equal((await metadataPartitions(raw, 'twice')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  await t.test('configs outside the allowed set or range are refused with POLICY_VIOLATION or INVALID_CONFIG', async () => {
    const results = await createTopics(raw, [
      creatable('segment-bytes', 1, { 'segment.bytes': '52428800' }),
      creatable('managed-config', 1, { 'min.insync.replicas': '1' }),
      creatable('huge-messages', 1, { 'max.message.bytes': String(16 * 1024 * 1024) }),
      creatable('not-a-number', 1, { 'retention.bytes': 'lots' }),
      creatable('bad-policy', 1, { 'cleanup.policy': 'archive' }),
      creatable('null-config', 1, { 'retention.ms': null }),
      creatable('compacted', 1, { 'cleanup.policy': 'compact', 'max.message.bytes': String(8 * 1024 * 1024) })
    ])
    assert.deepEqual(results.map(result => [result.name, result.errorCode]), [
      ['segment-bytes', ErrorCode.POLICY_VIOLATION],
      ['managed-config', ErrorCode.POLICY_VIOLATION],
      ['huge-messages', ErrorCode.INVALID_CONFIG],
      ['not-a-number', ErrorCode.INVALID_CONFIG],
      ['bad-policy', ErrorCode.INVALID_CONFIG],
      ['null-config', ErrorCode.INVALID_CONFIG],
      ['compacted', 0]
    ])
    assert.match(results[0]?.errorMessage ?? '', /segment\.bytes/)
    assert.match(results[2]?.errorMessage ?? '', /max\.message\.bytes/)
  })

  await t.test('KafkaJS surfaces a refused config as a protocol error', async () => {
    await assert.rejects(
      admin.createTopics({ topics: [{ topic: 'kjs-refused', configEntries: [{ name: 'segment.bytes', value: '1000' }] }] }),
      (error: { errors?: Array<{ type: string }> }) => error.errors?.[0]?.type === 'POLICY_VIOLATION'
    )
  })
})

test('the cluster partition limit counts existing topics and earlier topics of the same request', async t => {
  const { raw, kafka } = await startHarness(t, { limits: { partitionsPerCluster: 10 } })
  assert.equal((await createTopics(raw, [creatable('first', 6)]))[0]?.errorCode, 0)
  const results = await createTopics(raw, [creatable('second', 3), creatable('third', 2), creatable('fourth', 1)])
  assert.deepEqual(results.map(result => [result.name, result.errorCode]), [['second', 0], ['third', ErrorCode.INVALID_REQUEST], ['fourth', 0]])
  assert.match(results[1]?.errorMessage ?? '', /limit of 10 partitions/)

  const validated = await createTopics(raw, [creatable('v1', 1), creatable('v2', 1)], true)
  assert.deepEqual(validated.map(result => result.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])

  const grow = await raw.request(CreatePartitionsApi, 3, { topics: [{ name: 'first', count: 7, assignments: null }], timeoutMs: 5000, validateOnly: false })
  assert.equal(grow.results[0]?.errorCode, ErrorCode.INVALID_REQUEST)
  assert.match(grow.results[0]?.errorMessage ?? '', /limit of 10 partitions/)

  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())
  await admin.deleteTopics({ topics: ['first'] })
  const afterDelete = await createTopics(raw, [creatable('fifth', 6)])
  assert.equal(afterDelete[0]?.errorCode, 0, 'deleting a topic frees its partitions')
})

test('DescribeConfigs', async t => {
  const { raw, kafka, nodeId } = await startHarness(t)
  await createTopics(raw, [creatable('described', 1, { 'retention.ms': '7200000', 'cleanup.policy': 'compact' })])

  await t.test('a topic lists every visible config with effective values, sources, types, documentation and synonyms', async () => {
    const result = await describeTopicConfigs(raw, 'described')
    assert.equal(result.errorCode, 0)
    const configs = new Map(result.configs.map(config => [config.name, config]))
    for (const name of ['cleanup.policy', 'compression.type', 'max.message.bytes', 'message.timestamp.type', 'retention.bytes', 'retention.ms']) {
      assert.ok(configs.has(name), `${name} is listed`)
    }
    const retention = configs.get('retention.ms')
    assert.equal(retention?.value, '7200000')
    assert.equal(retention?.configSource, 1)
    assert.equal(retention?.readOnly, false)
    assert.equal(retention?.configType, 5)
    assert.ok((retention?.documentation ?? '').length > 0)
    assert.deepEqual(retention?.synonyms.map(synonym => [synonym.name, synonym.source]), [['retention.ms', 1], ['log.retention.ms', 5]])
    const compression = configs.get('compression.type')
    assert.equal(compression?.value, 'producer')
    assert.equal(compression?.configSource, 5)
    assert.equal(configs.get('cleanup.policy')?.readOnly, true, 'cleanup.policy can no longer change')
    assert.equal(configs.get('cleanup.policy')?.configType, 7)
    assert.equal(configs.get('min.insync.replicas')?.readOnly, true)
  })

  await t.test('configurationKeys filters the list', async () => {
    const result = await describeTopicConfigs(raw, 'described', ['retention.ms', 'no.such.config'])
    assert.deepEqual(result.configs.map(config => config.name), ['retention.ms'])
  })

  await t.test('v1 leaves documentation out and KafkaJS reads the entries', async () => {
    const v1 = await describeTopicConfigs(raw, 'described', ['retention.ms'], 1)
    assert.equal(v1.configs[0]?.documentation, null)
    const admin = kafka.admin()
    await admin.connect()
    t.after(() => admin.disconnect())
    const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'described' }], includeSynonyms: false })
    const entries = described.resources[0]?.configEntries ?? []
    const retention = entries.find(entry => entry.configName === 'retention.ms')
    assert.equal(retention?.configValue, '7200000')
    assert.equal(retention?.isDefault, false)
    assert.equal(entries.find(entry => entry.configName === 'retention.bytes')?.isDefault, true)
  })

  await t.test('unknown and illegal topic names get UNKNOWN_TOPIC_OR_PARTITION and INVALID_TOPIC_EXCEPTION', async () => {
    assert.equal((await describeTopicConfigs(raw, 'missing')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await describeTopicConfigs(raw, 'bad/name')).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  })

  await t.test('a broker shows read-only service settings; other broker ids, loggers and unknown types are refused', async () => {
    const response = await raw.request(DescribeConfigsApi, 4, {
      resources: [
        { resourceType: BROKER, resourceName: String(nodeId), configurationKeys: null },
        { resourceType: BROKER, resourceName: '', configurationKeys: ['auto.create.topics.enable'] },
        { resourceType: BROKER, resourceName: String(nodeId + 100), configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: String(nodeId), configurationKeys: null },
        { resourceType: 99, resourceName: 'x', configurationKeys: null }
      ],
      includeSynonyms: false,
      includeDocumentation: false
    })
    const [broker, defaults, otherBroker, logger, unknown] = response.results
    assert.equal(broker?.errorCode, 0)
    const configs = new Map(broker?.configs.map(config => [config.name, config]))
    assert.equal(configs.get('auto.create.topics.enable')?.value, 'false')
    assert.equal(configs.get('num.partitions')?.value, '1')
    assert.equal(configs.get('default.replication.factor')?.value, '3')
    assert.equal(configs.get('log.retention.ms')?.value, topicConfigDefinition('retention.ms')?.defaultValue)
    assert.equal(configs.get('message.max.bytes')?.value, '1048588')
    assert.ok(broker?.configs.every(config => config.readOnly))
    assert.deepEqual(defaults?.configs.map(config => [config.name, config.value]), [['auto.create.topics.enable', 'false']])
    assert.equal(otherBroker?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(logger?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(unknown?.errorCode, ErrorCode.INVALID_REQUEST)
  })
})

test('AlterConfigs and IncrementalAlterConfigs', async t => {
  const { raw, kafka, nodeId } = await startHarness(t)
  await createTopics(raw, [
    creatable('altered', 1, { 'retention.ms': '7200000', 'compression.type': 'lz4' }),
    creatable('compact-topic', 1, { 'cleanup.policy': 'compact' })
  ])
  const alter = async (resourceName: string, configs: Record<string, string | null>, validateOnly = false, resourceType = TOPIC) => {
    const response = await raw.request(AlterConfigsApi, 2, {
      resources: [{ resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
      validateOnly
    })
    return response.responses[0]
  }
  const incremental = async (resourceName: string, configs: Array<[string, number, string | null]>, validateOnly = false, resourceType = TOPIC) => {
    const response = await raw.request(IncrementalAlterConfigsApi, 1, {
      resources: [{ resourceType, resourceName, configs: configs.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
      validateOnly
    })
    return response.responses[0]
  }

  await t.test('AlterConfigs replaces the whole set: configs left out return to their defaults', async () => {
    assert.equal((await alter('altered', { 'retention.bytes': '1000000' }))?.errorCode, 0)
    assert.equal(await configValue(raw, 'altered', 'retention.bytes'), '1000000')
    assert.equal(await configValue(raw, 'altered', 'retention.ms'), topicConfigDefinition('retention.ms')?.defaultValue)
    assert.equal(await configValue(raw, 'altered', 'compression.type'), 'producer')
  })

  await t.test('AlterConfigs keeps cleanup.policy when left out, accepts it unchanged, refuses a change', async () => {
    assert.equal((await alter('compact-topic', { 'retention.ms': '3600000' }))?.errorCode, 0)
    assert.equal(await configValue(raw, 'compact-topic', 'cleanup.policy'), 'compact')
    assert.equal((await alter('compact-topic', { 'cleanup.policy': 'compact', 'retention.ms': '60000' }))?.errorCode, 0)
    const changed = await alter('compact-topic', { 'cleanup.policy': 'delete' })
    assert.equal(changed?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.match(changed?.errorMessage ?? '', /cleanup\.policy/)
    assert.equal(await configValue(raw, 'compact-topic', 'retention.ms'), '60000', 'a refused request changes nothing')
  })

  await t.test('AlterConfigs validateOnly and refusals leave the configs as they were', async () => {
    assert.equal((await alter('altered', { 'retention.bytes': '5' }, true))?.errorCode, 0)
    assert.equal(await configValue(raw, 'altered', 'retention.bytes'), '1000000')
    assert.equal((await alter('altered', { 'segment.ms': '1000' }))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal((await alter('altered', { 'max.message.bytes': '99999999' }))?.errorCode, ErrorCode.INVALID_CONFIG)
    assert.equal((await alter('altered', { 'retention.ms': null }))?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await alter('missing', { 'retention.ms': '1000' }))?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(await configValue(raw, 'altered', 'retention.bytes'), '1000000')
  })

  await t.test('broker configs cannot be changed', async () => {
    const broker = await alter(String(nodeId), { 'log.retention.ms': '1000' }, false, BROKER)
    assert.equal(broker?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.match(broker?.errorMessage ?? '', /cannot be changed/)
    assert.equal((await incremental('', [['num.partitions', SET, '3']], false, BROKER))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal((await incremental(String(nodeId), [['root', SET, 'DEBUG']], false, BROKER_LOGGER))?.errorCode, ErrorCode.INVALID_REQUEST)
  })

  await t.test('IncrementalAlterConfigs SET and DELETE change only the configs named', async () => {
    assert.equal((await incremental('altered', [['retention.ms', SET, '600000'], ['retention.bytes', DELETE, null]]))?.errorCode, 0)
    assert.equal(await configValue(raw, 'altered', 'retention.ms'), '600000')
    assert.equal(await configValue(raw, 'altered', 'retention.bytes'), '268435456000')
    assert.equal((await incremental('altered', [['compression.type', SET, 'zstd']]))?.errorCode, 0)
    assert.equal(await configValue(raw, 'altered', 'retention.ms'), '600000')
    assert.equal(await configValue(raw, 'altered', 'compression.type'), 'zstd')
  })

  await t.test('IncrementalAlterConfigs validates values, operations and policy', async () => {
    assert.equal((await incremental('altered', [['retention.ms', SET, '60000']], true))?.errorCode, 0)
    assert.equal(await configValue(raw, 'altered', 'retention.ms'), '600000', 'validateOnly changes nothing')
    assert.equal((await incremental('altered', [['message.timestamp.type', SET, 'Sometimes']]))?.errorCode, ErrorCode.INVALID_CONFIG)
    assert.equal((await incremental('altered', [['retention.ms', APPEND, '5']]))?.errorCode, ErrorCode.INVALID_CONFIG)
    assert.equal((await incremental('altered', [['retention.ms', 7, '5']]))?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await incremental('altered', [['retention.ms', SET, null]]))?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await incremental('altered', [['retention.ms', SET, '1'], ['retention.ms', DELETE, null]]))?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await incremental('altered', [['segment.bytes', SET, '1000']]))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal((await incremental('altered', [['cleanup.policy', SET, 'compact']]))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal((await incremental('altered', [['cleanup.policy', SET, 'delete']]))?.errorCode, 0, 'restating the value is no change')
    assert.equal((await incremental('compact-topic', [['cleanup.policy', APPEND, 'delete']]))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal((await incremental('compact-topic', [['cleanup.policy', APPEND, 'compact']]))?.errorCode, 0)
    assert.equal((await incremental('compact-topic', [['cleanup.policy', SUBTRACT, 'compact']]))?.errorCode, ErrorCode.POLICY_VIOLATION)
    assert.equal(await configValue(raw, 'compact-topic', 'cleanup.policy'), 'compact')
  })

  await t.test('each resource may appear once per request', async () => {
    const response = await raw.request(IncrementalAlterConfigsApi, 1, {
      resources: [
        { resourceType: TOPIC, resourceName: 'altered', configs: [{ name: 'retention.ms', configOperation: SET, value: '1000' }] },
        { resourceType: TOPIC, resourceName: 'altered', configs: [{ name: 'retention.ms', configOperation: SET, value: '2000' }] }
      ],
      validateOnly: false
    })
    assert.deepEqual(response.responses.map(entry => entry.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
  })

  await t.test('KafkaJS alterConfigs sets a topic config', async () => {
    const admin = kafka.admin()
    await admin.connect()
    t.after(() => admin.disconnect())
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'compact-topic', configEntries: [{ name: 'max.message.bytes', value: '2000000' }] }]
    })
    assert.equal(await configValue(raw, 'compact-topic', 'max.message.bytes'), '2000000')
    assert.equal(await configValue(raw, 'compact-topic', 'cleanup.policy'), 'compact')
  })
})

test('CreatePartitions raises the count and refuses anything else with Kafka\'s messages', async t => {
  const { raw, kafka } = await startHarness(t)
  await createTopics(raw, [creatable('growing', 2)])
  const request = async (name: string, count: number, validateOnly = false, assignments: Array<{ brokerIds: number[] }> | null = null) =>
    (await raw.request(CreatePartitionsApi, 3, { topics: [{ name, count, assignments }], timeoutMs: 5000, validateOnly })).results[0]

  assert.equal((await request('growing', 5, true))?.errorCode, 0)
  assert.equal((await metadataPartitions(raw, 'growing')).partitions, 2, 'validateOnly adds nothing')
  assert.equal((await request('growing', 4))?.errorCode, 0)
  assert.equal((await metadataPartitions(raw, 'growing')).partitions, 4)
  const same = await request('growing', 4)
  assert.deepEqual([same?.errorCode, same?.errorMessage], [ErrorCode.INVALID_PARTITIONS, 'Topic already has 4 partition(s).'])
  const fewer = await request('growing', 3)
  assert.deepEqual([fewer?.errorCode, fewer?.errorMessage],
    [ErrorCode.INVALID_PARTITIONS, 'The topic growing currently has 4 partition(s); 3 would not be an increase.'])
  assert.equal((await request('growing', 6, false, [{ brokerIds: [1] }, { brokerIds: [1] }]))?.errorCode, ErrorCode.INVALID_REQUEST)
  assert.equal((await request('missing', 6))?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())
  await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 6 }] })
  assert.equal((await metadataPartitions(raw, 'growing')).partitions, 6)
  const producer = kafka.producer()
  await producer.connect()
  t.after(() => producer.disconnect())
  const [written] = await producer.send({ topic: 'growing', messages: [{ value: 'into a new partition', partition: 5 }] })
  assert.equal(written?.errorCode, 0)
  assert.equal(written?.baseOffset, '0')
})

test('DeleteRecords moves the log start offset, which ListOffsets earliest then reports', async t => {
  const { raw, kafka } = await startHarness(t)
  await createTopics(raw, [creatable('trimmed', 2), creatable('compact-only', 1, { 'cleanup.policy': 'compact' })])
  const producer = kafka.producer()
  await producer.connect()
  t.after(() => producer.disconnect())
  for (let batch = 0; batch < 5; batch++) {
    await producer.send({ topic: 'trimmed', messages: [{ value: `a${batch}`, partition: 0 }, { value: `b${batch}`, partition: 0 }] })
  }
  await producer.send({ topic: 'trimmed', messages: [{ value: 'only', partition: 1 }] })

  const deleteRecords = async (name: string, partitions: Array<[number, number]>) =>
    (await raw.request(DeleteRecordsApi, 2, { topics: [{ name, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }], timeoutMs: 5000 })).topics[0]?.partitions

  const trimmed = await deleteRecords('trimmed', [[0, 4], [1, -1]])
  assert.deepEqual(trimmed, [{ partitionIndex: 0, lowWatermark: 4, errorCode: 0 }, { partitionIndex: 1, lowWatermark: 1, errorCode: 0 }])
  assert.equal(await earliestOffset(raw, 'trimmed', 0), 4)
  assert.equal(await earliestOffset(raw, 'trimmed', 1), 1)

  const lower = await deleteRecords('trimmed', [[0, 2]])
  assert.deepEqual(lower, [{ partitionIndex: 0, lowWatermark: 4, errorCode: 0 }], 'the log start never moves back')
  const errors = await deleteRecords('trimmed', [[0, 11], [0, -2], [7, 0]])
  assert.deepEqual(errors?.map(partition => [partition.errorCode, partition.lowWatermark]), [
    [ErrorCode.OFFSET_OUT_OF_RANGE, -1], [ErrorCode.OFFSET_OUT_OF_RANGE, -1], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1]
  ])
  assert.equal((await deleteRecords('missing', [[0, 0]]))?.[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  assert.equal((await deleteRecords('compact-only', [[0, 0]]))?.[0]?.errorCode, ErrorCode.POLICY_VIOLATION)

  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())
  // KafkaJS's deleteTopicRecords reads leaders from metadata it does not load itself.
  await admin.fetchTopicMetadata({ topics: ['trimmed'] })
  await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '8' }] })
  const offsets = await admin.fetchTopicOffsets('trimmed')
  assert.equal(offsets.find(partition => partition.partition === 0)?.low, '8')

  const fetched = await raw.request(ListOffsetsApi, 7, {
    replicaId: -1, isolationLevel: 0, topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }], timeoutMs: 5000
  })
  assert.equal(fetched.topics[0]?.partitions[0]?.offset, 10, 'the high watermark is unchanged')
})

test('DeleteTopics by name and by id', async t => {
  const { raw, kafka } = await startHarness(t)
  const created = await createTopics(raw, [creatable('doomed-a', 2), creatable('doomed-b'), creatable('doomed-c'), creatable('kjs-doomed')])
  const idOf = (name: string): string => created.find(result => result.name === name)?.topicId ?? ZERO_UUID

  const byName = await raw.request(DeleteTopicsApi, 5, { topics: [], topicNames: ['doomed-a', 'missing', 'doomed-a'], timeoutMs: 5000 })
  assert.deepEqual(byName.responses.map(result => [result.name, result.errorCode]), [
    ['doomed-a', ErrorCode.INVALID_REQUEST], ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]
  ])
  const once = await raw.request(DeleteTopicsApi, 5, { topics: [], topicNames: ['doomed-a'], timeoutMs: 5000 })
  assert.deepEqual(once.responses.map(result => [result.name, result.errorCode, result.errorMessage]), [['doomed-a', 0, null]])
  assert.equal((await metadataPartitions(raw, 'doomed-a')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

  const unknownId = '5f1a6a4e-0000-4000-8000-000000000001'
  const byId = await raw.request(DeleteTopicsApi, 6, {
    topics: [
      { name: null, topicId: idOf('doomed-b') },
      { name: 'doomed-c', topicId: ZERO_UUID },
      { name: null, topicId: unknownId },
      { name: 'both', topicId: unknownId },
      { name: null, topicId: ZERO_UUID }
    ],
    topicNames: [],
    timeoutMs: 5000
  })
  assert.deepEqual(byId.responses.map(result => [result.name, result.topicId, result.errorCode]), [
    ['doomed-b', idOf('doomed-b'), 0],
    ['doomed-c', idOf('doomed-c'), 0],
    [null, unknownId, ErrorCode.UNKNOWN_TOPIC_ID],
    ['both', unknownId, ErrorCode.INVALID_REQUEST],
    [null, ZERO_UUID, ErrorCode.INVALID_REQUEST]
  ])

  const admin = kafka.admin()
  await admin.connect()
  t.after(() => admin.disconnect())
  await admin.deleteTopics({ topics: ['kjs-doomed'] })
  assert.deepEqual(await admin.listTopics(), [])

  const [recreated] = await createTopics(raw, [creatable('doomed-a', 1)])
  assert.equal(recreated?.errorCode, 0, 'a deleted name can be used again')
  assert.notEqual(recreated?.topicId, idOf('doomed-a'))
  assert.equal(await earliestOffset(raw, 'doomed-a', 0), 0)
})

test('DescribeCluster, DescribeProducers and OffsetForLeaderEpoch', async t => {
  const { raw, kafka, nodeId, port } = await startHarness(t)
  await createTopics(raw, [creatable('epochs', 2)])
  const producer = kafka.producer()
  await producer.connect()
  t.after(() => producer.disconnect())
  await producer.send({ topic: 'epochs', messages: [{ value: 'one', partition: 0 }, { value: 'two', partition: 0 }, { value: 'three', partition: 0 }] })

  await t.test('DescribeCluster lists this node as the only broker, with the cluster id', async () => {
    const response = await raw.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })
    assert.equal(response.errorCode, 0)
    assert.equal(response.endpointType, 1)
    assert.equal(response.clusterId, 'skiff-default-cluster')
    assert.equal(response.controllerId, nodeId)
    assert.deepEqual(response.brokers, [{ brokerId: nodeId, host: '127.0.0.1', port, rack: null }])
    assert.notEqual(response.clusterAuthorizedOperations, -2147483648)
    const v0 = await raw.request(DescribeClusterApi, 0, { includeClusterAuthorizedOperations: false, endpointType: 1 })
    assert.equal(v0.clusterAuthorizedOperations, -2147483648)
    const controllers = await raw.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
    assert.equal(controllers.errorCode, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE)
  })

  await t.test('DescribeProducers answers an empty list for existing partitions and errors for the rest', async () => {
    const response = await raw.request(DescribeProducersApi, 0, {
      topics: [{ name: 'epochs', partitionIndexes: [0, 1, 2] }, { name: 'missing', partitionIndexes: [0] }]
    })
    assert.deepEqual(response.topics.map(topic => topic.partitions.map(partition => [partition.partitionIndex, partition.errorCode, partition.activeProducers.length])), [
      [[0, 0, 0], [1, 0, 0], [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]],
      [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]]
    ])
  })

  await t.test('OffsetForLeaderEpoch answers epoch 0 ending at the high watermark', async () => {
    const response = await raw.request(OffsetForLeaderEpochApi, 4, {
      replicaId: -1,
      topics: [
        {
          topic: 'epochs',
          partitions: [
            { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
            { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 },
            { partition: 0, currentLeaderEpoch: 3, leaderEpoch: 5 },
            { partition: 0, currentLeaderEpoch: 0, leaderEpoch: -1 },
            { partition: 9, currentLeaderEpoch: 0, leaderEpoch: 0 }
          ]
        },
        { topic: 'missing', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }
      ]
    })
    assert.deepEqual(response.topics.map(topic => topic.partitions.map(({ errorCode, leaderEpoch, endOffset }) => [errorCode, leaderEpoch, endOffset])), [
      [[0, 0, 3], [0, 0, 0], [0, 0, 3], [0, -1, -1], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1]],
      [[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1]]
    ])
  })

  await t.test('Metadata answers INVALID_TOPIC_EXCEPTION for an illegal name', async () => {
    assert.equal((await metadataPartitions(raw, 'not/legal')).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.equal((await metadataPartitions(raw, 'legal-but-missing')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

test('@platformatic/kafka drives the newest versions: create, describe, alter, delete records, delete topics', async t => {
  const { raw, kafka, port } = await startHarness(t)
  const admin = new Admin({ clientId: 'admin-test', bootstrapBrokers: [`127.0.0.1:${port}`], retries: 0 })
  t.after(() => admin.close())

  const [created] = await admin.createTopics({ topics: ['platformatic'], partitions: 2, replicas: -1, configs: [{ name: 'retention.ms', value: '600000' }] })
  assert.equal(created?.partitions, 2)
  assert.equal(created?.replicas, 3)
  assert.equal(created?.configuration['retention.ms'], '600000')
  await assert.rejects(admin.createTopics({ topics: ['platformatic'], partitions: 1 }))

  await admin.incrementalAlterConfigs({
    resources: [{
      resourceType: PlatformaticResourceTypes.TOPIC,
      resourceName: 'platformatic',
      configs: [{ name: 'compression.type', configOperation: IncrementalAlterConfigOperationTypes.SET, value: 'zstd' }]
    }]
  })
  const [described] = await admin.describeConfigs({ resources: [{ resourceType: PlatformaticResourceTypes.TOPIC, resourceName: 'platformatic' }], includeSynonyms: true })
  const configs = new Map(described?.configs.map(config => [config.name, config.value]))
  assert.equal(configs.get('compression.type'), 'zstd')
  assert.equal(configs.get('retention.ms'), '600000')

  const producer = kafka.producer()
  await producer.connect()
  t.after(() => producer.disconnect())
  await producer.send({ topic: 'platformatic', messages: [{ value: '1', partition: 1 }, { value: '2', partition: 1 }, { value: '3', partition: 1 }] })
  const [deleted] = await admin.deleteRecords({ topics: [{ name: 'platformatic', partitions: [{ partition: 1, offset: 2n }] }] })
  assert.equal(deleted?.partitions[0]?.lowWatermark, 2n)
  assert.equal(await earliestOffset(raw, 'platformatic', 1), 2)

  await admin.deleteTopics({ topics: ['platformatic'] })
  assert.deepEqual(await admin.listTopics(), [])
})
