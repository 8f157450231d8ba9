// SNI routing of tenant clusters end to end: a node with a cluster domain serves every cluster
// created through the control plane (the AWS SDK) on one TLS port. GetBootstrapBrokers names
// boot-<id>.<domain>; KafkaJS with MSK IAM tokens reaches each cluster by presenting that name as
// SNI while connecting to 127.0.0.1 (the names resolve nowhere), Metadata advertises the same name,
// topics of the same name stay apart, and names of unknown or deleted clusters are refused.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import tls from 'node:tls'
import kafkajs from 'kafkajs'
import {
  CreateClusterV2Command, DeleteClusterCommand, DescribeClusterV2Command, GetBootstrapBrokersCommand, KafkaClient, NotFoundException
} from '@aws-sdk/client-kafka'
import { ADMIN, testIdentities } from '../helpers/control-plane-kit.ts'
import { mintToken } from '../helpers/iam-node.ts'
import { startTestNode, type TestNode } from '../helpers/start-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { WireClient } from '../helpers/wire-client.ts'

const { Kafka, logLevel } = kafkajs
const DOMAIN = 'kafka.skiff.test'
const SERVERLESS = { VpcConfigs: [{ SubnetIds: ['subnet-0a1b2c3d'] }], ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } }

interface ActiveCluster {
  arn: string
  clusterId: string
  bootstrap: string
  hostName: string
  port: number
}

async function activeCluster (control: KafkaClient, name: string): Promise<ActiveCluster> {
  const arn = (await control.send(new CreateClusterV2Command({ ClusterName: name, Serverless: SERVERLESS }))).ClusterArn!
  await waitFor(async () => (await control.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo?.State === 'ACTIVE',
    { timeoutMs: 10_000, what: `${name} to be ACTIVE` })
  const bootstrap = (await control.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }))).BootstrapBrokerStringSaslIam!
  const [hostName = '', port = ''] = bootstrap.split(':')
  return { arn, clusterId: arn.split('/').at(-1)!, bootstrap, hostName, port: Number(port) }
}

/** KafkaJS as a client on a network where DNS maps the cluster names to this node: it dials 127.0.0.1 and sends the name as SNI. */
function kafkaFor (node: TestNode, cluster: ActiveCluster) {
  return new Kafka({
    clientId: 'skiff-sni-test',
    brokers: [cluster.bootstrap],
    ssl: { ca: [node.node.tls!.caPem!] },
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: (await mintToken(ADMIN)).token }) },
    socketFactory: ({ host, port, ssl, onConnect }) => tls.connect({ ...ssl, host: '127.0.0.1', port, servername: host }, onConnect),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 }
  })
}

/** A raw TLS connection to 127.0.0.1 presenting `servername`, authenticated with an MSK IAM token. */
async function connectByName (cluster: Pick<ActiveCluster, 'hostName' | 'port'>, caPem: string): Promise<WireClient> {
  const client = await WireClient.connect(`127.0.0.1:${cluster.port}`, { tls: { ca: [caPem], servername: cluster.hostName } })
  try {
    await client.authenticate((await mintToken(ADMIN)).token)
    return client
  } catch (error) {
    client.close()
    throw error
  }
}

test('with a cluster domain, two clusters share one TLS port, each client reaching its own by SNI name', async t => {
  const node = await startTestNode(t, {
    config: {
      tls: {},
      controlPlane: {},
      clusterEndpoints: { domain: DOMAIN, sniPort: 0, syncIntervalMs: 500 },
      groups: { initialRebalanceDelayMs: 0 }
    },
    identities: testIdentities()
  })
  const caPem = node.node.tls!.caPem!
  const control = new KafkaClient({ endpoint: `http://127.0.0.1:${node.node.controlPlanePort!}`, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 })
  t.after(() => control.destroy())
  const clients: Array<{ disconnect: () => Promise<void> }> = []
  t.after(async () => { for (const client of clients) await client.disconnect().catch(() => {}) })

  const one = await activeCluster(control, 'sni-one')
  const two = await activeCluster(control, 'sni-two')
  const sniPort = node.node.clusterListeners.sniPort
  assert.match(one.bootstrap, new RegExp(`^boot-${one.clusterId.slice(0, 8)}\\.kafka\\.skiff\\.test:${sniPort ?? -1}$`))
  assert.match(two.bootstrap, new RegExp(`^boot-${two.clusterId.slice(0, 8)}\\.kafka\\.skiff\\.test:${sniPort ?? -1}$`))
  assert.notEqual(one.hostName, two.hostName)
  assert.equal((await node.node.catalog.getCluster(one.clusterId))?.bootstrapPort, undefined, 'no port of its own')

  const kafkaOne = kafkaFor(node, one)
  const kafkaTwo = kafkaFor(node, two)
  const adminOne = kafkaOne.admin()
  const adminTwo = kafkaTwo.admin()
  clients.push(adminOne, adminTwo)
  await adminOne.connect()
  await adminTwo.connect()
  // Metadata advertises the cluster's own name on the shared port, so clients come back through SNI.
  assert.deepEqual((await adminOne.describeCluster()).brokers.map(broker => `${broker.host}:${broker.port}`), [one.bootstrap])
  assert.deepEqual((await adminTwo.describeCluster()).brokers.map(broker => `${broker.host}:${broker.port}`), [two.bootstrap])

  await adminOne.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }, { topic: 'only-in-one', numPartitions: 1 }] })
  await adminTwo.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] })
  const producerOne = kafkaOne.producer()
  const producerTwo = kafkaTwo.producer()
  clients.push(producerOne, producerTwo)
  await producerOne.connect()
  await producerTwo.connect()
  await producerOne.send({ topic: 'orders', messages: [{ value: 'from-one-a' }, { value: 'from-one-b' }] })
  await producerTwo.send({ topic: 'orders', messages: [{ key: 'k', value: 'from-two' }] })

  assert.deepEqual((await adminOne.listTopics()).sort(), ['only-in-one', 'orders'])
  assert.deepEqual(await adminTwo.listTopics(), ['orders'])
  assert.deepEqual((await adminOne.fetchTopicOffsets('orders')).map(partition => partition.high), ['2'])
  const offsetsTwo = await adminTwo.fetchTopicOffsets('orders')
  assert.equal(offsetsTwo.length, 2)
  assert.equal(offsetsTwo.reduce((sum, partition) => sum + Number(partition.high), 0), 1)

  const consumer = kafkaTwo.consumer({ groupId: 'sni-readers' })
  clients.push(consumer)
  await consumer.connect()
  await consumer.subscribe({ topic: 'orders', fromBeginning: true })
  const seen: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value?.toString() ?? '') } })
  await waitFor(() => seen.length >= 1, { timeoutMs: 20_000, what: 'the consumer of sni-two to read orders' })
  assert.deepEqual(seen, ['from-two'])
  await consumer.disconnect()

  // A name of no cluster is refused in the handshake, and logged.
  const unknown = { hostName: `boot-00000000.${DOMAIN}`, port: one.port }
  await assert.rejects(connectByName(unknown, caPem))
  assert.equal(node.logs.warnings(unknown.hostName).length, 1)

  // Deleting sni-one disconnects its clients and stops routing its name; sni-two carries on.
  const connected = await connectByName(one, caPem)
  t.after(() => connected.close())
  await adminOne.disconnect()
  await producerOne.disconnect()
  await control.send(new DeleteClusterCommand({ ClusterArn: one.arn }))
  await waitFor(async () => await control.send(new DescribeClusterV2Command({ ClusterArn: one.arn })).then(() => false, error => error instanceof NotFoundException),
    { timeoutMs: 10_000, what: 'sni-one to be gone' })
  assert.equal(await connected.waitForClose(), true, 'the deleted cluster\'s client was disconnected')
  await assert.rejects(connectByName(one, caPem))
  assert.ok(node.logs.warnings(one.hostName).length >= 1, 'the refused name is logged')
  assert.deepEqual(await adminTwo.listTopics(), ['orders'])
  const stillTwo = await connectByName(two, caPem)
  stillTwo.close()
})
