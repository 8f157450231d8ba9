// Fuzzing the running node: one valid request per served API and version (min, max, and the last
// non-flexible one), mutated thousands of times (bit flips, extreme integers, cuts, insertions,
// swapped API keys and versions) and sent over a few connections. Each mutated frame is followed
// by an ApiVersions ping, so an answer, a closed connection or a parked request tells apart
// without timeouts. Afterwards a fresh client must still produce and consume, and the node must
// not have failed inside a handler.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiDescriptor } from '../../src/protocol/api-descriptor.ts'
import { encodeRequestFrame } from '../../src/protocol/frame.ts'
import { apiDescriptors } from '../../src/protocol/messages/index.ts'
import { ApiVersionsApi } from '../../src/protocol/messages/api-versions.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/reader.ts'
import { buildRecordBatch } from '../../src/protocol/records/record-batch-builder.ts'
import { seededRandom } from '../helpers/random.ts'
import { kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { createTopics, WireClient } from '../helpers/wire-client.ts'

const MUTATIONS = Number(process.env.SKIFF_NODE_FUZZ_MUTATIONS ?? 10_000)
const SEED = Number(process.env.SKIFF_NODE_FUZZ_SEED ?? 0x5eed)
const CONNECTIONS = 4
const PARK_TIMEOUT_MS = 3_000
const PING_BASE = 0x5a000000
const TOPIC = 'fuzz'
const CHECK_TOPIC = 'after-fuzz-check'

/** A valid request for each API the node serves in this issue; other APIs get a generated sample. */
function handWrittenSamples (topicId: string, nodeId: number): Map<number, unknown> {
  const batch = buildRecordBatch({ records: [{ key: Buffer.from('k'), value: Buffer.from('fuzzed value'), headers: [{ key: 'h', value: Buffer.from('v') }] }] })
  return new Map<number, unknown>([
    [0, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] }],
    [1, {
      replicaId: -1,
      maxWaitMs: 50,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: TOPIC, topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: ''
    }],
    [2, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 }] }], timeoutMs: 1000 }],
    [3, { topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true }],
    [18, { clientSoftwareName: 'skiff-fuzz', clientSoftwareVersion: '1.0.0' }],
    [19, { topics: [{ name: 'fuzz-created', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 1000, validateOnly: true }],
    [20, { topics: [{ name: 'fuzz-deletable', topicId: ZERO_UUID }], topicNames: ['fuzz-deletable'], timeoutMs: 1000 }],
    [21, { topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, offset: 0 }] }], timeoutMs: 1000 }],
    [23, { replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }],
    [32, {
      resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: null }, { resourceType: 4, resourceName: String(nodeId), configurationKeys: ['log.retention.ms'] }],
      includeSynonyms: true,
      includeDocumentation: true
    }],
    [33, { resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', value: '3600000' }] }], validateOnly: true }],
    [37, { topics: [{ name: TOPIC, count: 3, assignments: null }], timeoutMs: 1000, validateOnly: true }],
    [44, { resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '3600000' }] }], validateOnly: true }],
    [60, { includeClusterAuthorizedOperations: true, endpointType: 1 }],
    [61, { topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] }]
  ])
}

/** The hand-written sample, or one generated from the API's JSON spec (for APIs added after this test). */
async function sampleFor (apiKey: number, version: number, handWritten: Map<number, unknown>): Promise<unknown> {
  const known = handWritten.get(apiKey)
  if (known !== undefined) return known
  const { sampleValue, specs } = await import('../protocol/samples.ts')
  const spec = specs.find(candidate => candidate.kind === 'request' && candidate.apiKey === apiKey)
  if (spec === undefined) throw new Error(`no request spec for API key ${apiKey}`)
  return sampleValue(spec, version, 'values')
}

const EXTREMES = [[0x7f, 0xff, 0xff, 0xff], [0x80, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x7f, 0xff], [0xff, 0xfe]]

/** One mutation of a whole request frame (size prefix included); the result is re-framed with its true size. */
function mutate (frame: Buffer, random: () => number, servedKeys: number[]): Buffer {
  const pick = (max: number): number => Math.floor(random() * max)
  let body = Buffer.from(frame.subarray(4))
  switch (pick(8)) {
    case 0: // flip 1-3 bits
      for (let flips = 1 + pick(3); flips > 0; flips--) {
        const position = pick(body.length)
        body[position] = body[position]! ^ (1 << pick(8))
      }
      break
    case 1: { // an extreme integer or varint somewhere past the API key and version
      const pattern = EXTREMES[pick(EXTREMES.length)]!
      const position = 4 + pick(Math.max(1, body.length - 4))
      for (let index = 0; index < pattern.length && position + index < body.length; index++) body[position + index] = pattern[index]!
      break
    }
    case 2: // cut
      body = body.subarray(0, pick(body.length))
      break
    case 3: { // insert random bytes
      const position = pick(body.length)
      const inserted = Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256)))
      body = Buffer.concat([body.subarray(0, position), inserted, body.subarray(position)])
      break
    }
    case 4: { // overwrite a span with random bytes
      const position = pick(body.length)
      for (let index = position; index < Math.min(body.length, position + 1 + pick(6)); index++) body[index] = pick(256)
      break
    }
    case 5: { // duplicate a span
      const start = pick(body.length)
      const end = Math.min(body.length, start + 1 + pick(16))
      body = Buffer.concat([body.subarray(0, end), body.subarray(start, end), body.subarray(end)])
      break
    }
    case 6: // another API key: this body read as another served API
      body.writeInt16BE(servedKeys[pick(servedKeys.length)]!, 0)
      break
    default: // another version, within and just beyond what is served
      body.writeInt16BE(pick(20) - 1, 2)
  }
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length, 0)
  return Buffer.concat([size, body])
}

interface Outcome {
  answered: number
  closed: number
  parked: number
}

test('thousands of mutated frames of every served API leave the node serving, with no handler failure', async t => {
  const { bootstrap, node, logs } = await startTestNode(t, { logLevel: 'warn' })
  await createTopics(bootstrap, [{ name: TOPIC, partitions: 2 }, { name: CHECK_TOPIC, partitions: 1 }])

  const probe = await WireClient.connect(bootstrap)
  t.after(() => probe.close())
  const served = (await probe.request(ApiVersionsApi, 3, { clientSoftwareName: 'skiff-fuzz', clientSoftwareVersion: '1' })).apiKeys
  const metadata = await probe.request(MetadataApi, 12, {
    topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
  })
  const handWritten = handWrittenSamples(metadata.topics[0]!.topicId, node.nodeId)

  // One valid frame per served API at its lowest, highest and last non-flexible version.
  const frames: Array<{ label: string, frame: Buffer }> = []
  for (const { apiKey, minVersion, maxVersion } of served) {
    const api = apiDescriptors.get(apiKey) as ApiDescriptor<unknown, unknown> | undefined
    assert.ok(api !== undefined, `API key ${apiKey} has a codec`)
    const versions = new Set([minVersion, maxVersion])
    if (api.flexibleMinVersion - 1 >= minVersion && api.flexibleMinVersion - 1 <= maxVersion) versions.add(api.flexibleMinVersion - 1)
    for (const version of versions) {
      frames.push({ label: `${api.name} v${version}`, frame: encodeRequestFrame(api, version, 1, 'skiff-fuzz', await sampleFor(apiKey, version, handWritten)) })
    }
  }

  await t.test('every served API answers its valid sample request at each fuzzed version', async () => {
    for (const { label, frame } of frames) {
      probe.sendRaw(frame)
      assert.ok(await probe.nextFrame(10_000) !== undefined, `${label}: answered, not closed`)
    }
  })

  await t.test(`${MUTATIONS} mutated frames over ${CONNECTIONS} connections: each is answered, closes its connection, or waits`, async () => {
    const random = seededRandom(SEED)
    const servedKeys = served.map(api => api.apiKey)
    const mutated = Array.from({ length: MUTATIONS }, () => {
      const { frame } = frames[Math.floor(random() * frames.length)]!
      return mutate(frame, random, servedKeys)
    })
    const outcome: Outcome = { answered: 0, closed: 0, parked: 0 }
    let nextPing = PING_BASE
    const run = async (share: Buffer[]): Promise<void> => {
      let client: WireClient | undefined
      try {
        for (const frame of share) {
          client ??= await WireClient.connect(bootstrap)
          const pingId = nextPing++
          client.sendRaw(frame)
          client.sendRaw(encodeRequestFrame(ApiVersionsApi, 0, pingId, 'ping', { clientSoftwareName: '', clientSoftwareVersion: '' }))
          let framesBeforePing = 0
          for (;;) {
            let answer: Buffer | undefined
            try {
              answer = await client.nextFrame(PARK_TIMEOUT_MS)
            } catch {
              outcome.parked++ // e.g. a Fetch whose maxWaitMs a mutation made huge
              client.close()
              client = undefined
              break
            }
            if (answer === undefined) {
              outcome.closed++
              client = undefined
              break
            }
            if (answer.readInt32BE(0) === pingId) {
              outcome.answered++
              break
            }
            framesBeforePing++
            assert.ok(framesBeforePing <= 1, 'one request gets at most one response')
          }
        }
      } finally {
        client?.close()
      }
    }
    const shares = Array.from({ length: CONNECTIONS }, (_, index) => mutated.filter((_, position) => position % CONNECTIONS === index))
    await Promise.all(shares.map(run))
    t.diagnostic(`seed ${SEED}: answered ${outcome.answered}, closed ${outcome.closed}, parked ${outcome.parked}`)
    assert.equal(outcome.answered + outcome.closed + outcome.parked, MUTATIONS)
    assert.ok(outcome.answered > MUTATIONS / 10 && outcome.closed > MUTATIONS / 10, 'the mutations reach both the decoders and the handlers')
  })

  await t.test('after the fuzzing a fresh client still produces and consumes, and no handler failed', async () => {
    const failures = logs.lines.filter(line => line.level >= 50)
    assert.deepEqual(failures.map(line => `${line.msg} ${JSON.stringify(line.err ?? '')}`).slice(0, 5), [], 'no error-level log lines (handler failures)')
    const values = Array.from({ length: 20 }, (_, index) => `after-fuzz-${index}`)
    await kcatProduce(bootstrap, CHECK_TOPIC, values, ['-p', '0'])
    const received = await kcatConsume(bootstrap, CHECK_TOPIC, ['-p', '0', '-o', 'beginning'])
    assert.deepEqual(received.map(message => message.payload), values)
  })
})
