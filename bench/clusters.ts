// Tenant-cluster figures (issue 5's targets): CreateClusterV2 -> ACTIVE -> first successful produce,
// and the node's memory with 100 idle clusters of 6 topics each. Runs a node in this process
// (embedded storage in a temp dir, TLS, the control plane with a test identity), drives it with
// @aws-sdk/client-kafka and a Kafka client authenticating with an MSK IAM token (real signer) over
// TLS, and prints the figures; it asserts nothing.
//   node --expose-gc --import tsx bench/clusters.ts [clusterCount=100] [topicsPerCluster=6]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { CreateClusterV2Command, DescribeClusterV2Command, GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka'
import { pino } from 'pino'
import { startNode } from '../src/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { CreateTopicsApi } from '../src/protocol/messages/create-topics.ts'
import { buildRecordBatch } from '../src/protocol/records/record-batch-builder.ts'
import { ADMIN, testIdentities } from '../test/helpers/control-plane-kit.ts'
import { mintToken } from '../test/helpers/iam-node.ts'
import { produceBatch } from '../test/helpers/records.ts'
import { WireClient } from '../test/helpers/wire-client.ts'

const clusterCount = Number(process.argv[2] ?? 100)
const topicsPerCluster = Number(process.argv[3] ?? 6)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

function rssMiB (): number {
  (globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().rss / 1024 / 1024
}

const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-clusters-'))
const firstPort = 30_000 + Math.floor(Math.random() * 20_000)
const config = loadConfig({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  logLevel: 'warn',
  tls: { port: 0 },
  controlPlane: { port: 0 },
  clusterEndpoints: { firstPort, lastPort: firstPort + clusterCount + 50 }
}, {})
const node = await startNode(config, { logger: pino({ level: 'warn' }), identities: testIdentities() })
const caPem = node.tls!.caPem!
const { token } = await mintToken(ADMIN)

/** Creates the topics over an IAM-authenticated connection. */
async function createTopics (bootstrap: string, names: string[]): Promise<WireClient> {
  const client = await WireClient.connectIam(bootstrap, caPem, token)
  const response = await client.request(CreateTopicsApi, 5, {
    topics: names.map(name => ({ name, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] })), timeoutMs: 30_000, validateOnly: false
  })
  const failed = response.topics.filter(topic => topic.errorCode !== 0)
  if (failed.length > 0) throw new Error(`CreateTopics failed: ${JSON.stringify(failed)}`)
  return client
}
const kafka = new KafkaClient({ endpoint: `http://127.0.0.1:${node.controlPlanePort!}`, region: 'us-east-1', credentials: ADMIN })
const serverless = { VpcConfigs: [{ SubnetIds: ['subnet-bench'] }], ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } }

async function createActiveCluster (name: string): Promise<{ bootstrap: string, activeMs: number, startedAt: number }> {
  const startedAt = performance.now()
  const { ClusterArn } = await kafka.send(new CreateClusterV2Command({ ClusterName: name, Serverless: serverless }))
  for (;;) {
    const { ClusterInfo } = await kafka.send(new DescribeClusterV2Command({ ClusterArn }))
    if (ClusterInfo?.State === 'ACTIVE') break
    if (ClusterInfo?.State !== 'CREATING') throw new Error(`${name} is ${ClusterInfo?.State ?? '?'}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  const activeMs = performance.now() - startedAt
  const { BootstrapBrokerStringSaslIam } = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn }))
  return { bootstrap: BootstrapBrokerStringSaslIam!, activeMs, startedAt }
}

try {
  const baselineMiB = rssMiB()
  // The first cluster: the full journey, timed.
  const first = await createActiveCluster('bench-first')
  const client = await createTopics(first.bootstrap, ['events'])
  const produced = await produceBatch(client, 'events', 0, buildRecordBatch({ records: [{ value: Buffer.from('hello') }] }))
  client.close()
  if (produced.errorCode !== 0) throw new Error(`the first produce failed with error ${produced.errorCode}`)
  const firstProduceMs = performance.now() - first.startedAt
  process.stdout.write(`CreateClusterV2 -> ACTIVE: ${first.activeMs.toFixed(0)} ms; -> first produce acknowledged (TLS + SASL MSK IAM, CreateTopics, Produce): ${firstProduceMs.toFixed(0)} ms\n`)

  const activeTimes = [first.activeMs]
  for (let index = 1; index < clusterCount; index++) {
    const cluster = await createActiveCluster(`bench-${index}`)
    activeTimes.push(cluster.activeMs)
    ;(await createTopics(cluster.bootstrap, Array.from({ length: topicsPerCluster }, (_, topic) => `topic-${topic}`))).close()
  }
  ;(await createTopics(first.bootstrap, Array.from({ length: topicsPerCluster - 1 }, (_, topic) => `topic-${topic}`))).close()
  activeTimes.sort((a, b) => a - b)
  const median = activeTimes[Math.floor(activeTimes.length / 2)]!
  const worst = activeTimes.at(-1)!
  await new Promise(resolve => setTimeout(resolve, 2000))
  const loadedMiB = rssMiB()
  process.stdout.write(`${clusterCount} clusters -> ACTIVE: median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms\n`)
  process.stdout.write(`node RSS (this process, after GC): ${baselineMiB.toFixed(0)} MiB before, ${loadedMiB.toFixed(0)} MiB with ${clusterCount} idle clusters x ${topicsPerCluster} topics ` +
    `(+${(loadedMiB - baselineMiB).toFixed(0)} MiB, ${((loadedMiB - baselineMiB) * 1024 / clusterCount).toFixed(0)} KiB per cluster); heap used ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB\n`)
} finally {
  kafka.destroy()
  await node.close()
  rmSync(dataDir, { recursive: true, force: true })
}
