// The control plane through @aws-sdk/client-kafka over a real socket: every operation, the SDK's
// error classes for AWS errors, paging with its paginator; two clusters holding a topic of the same
// name, isolated from each other (kcat over TLS to each endpoint); deletion stopping an endpoint and
// disconnecting its clients; malformed JSON sent signed over the wire.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ConflictException, CreateClusterV2Command, DeleteClusterCommand, DescribeClusterV2Command, ForbiddenException,
  GetBootstrapBrokersCommand, KafkaClient, ListClustersV2Command, ListTagsForResourceCommand, NotFoundException,
  BadRequestException, TagResourceCommand, UnauthorizedException, UntagResourceCommand, paginateListClustersV2
} from '@aws-sdk/client-kafka'
import { SignatureV4 } from '@smithy/signature-v4'
import { ADMIN, LIMITED, type TestCredentials } from '../helpers/control-plane-kit.ts'
import { startControlPlaneNode, sslArgs, type ControlPlaneNode } from '../helpers/control-plane-node.ts'
import { kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { NodeSha256 } from '../helpers/sigv4-credentials.ts'
import { WireClient, createTopics } from '../helpers/wire-client.ts'
import { waitFor } from '../helpers/wait-for.ts'

const SERVERLESS = {
  VpcConfigs: [{ SubnetIds: ['subnet-0a1b2c3d', 'subnet-1a2b3c4d'], SecurityGroupIds: ['sg-0123abcd'] }],
  ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }
}

function client (node: ControlPlaneNode, credentials: TestCredentials = ADMIN): KafkaClient {
  return new KafkaClient({ endpoint: node.endpointUrl, region: 'us-east-1', credentials, maxAttempts: 1 })
}

async function activeCluster (kafka: KafkaClient, name: string): Promise<{ arn: string, bootstrap: string }> {
  const created = await kafka.send(new CreateClusterV2Command({ ClusterName: name, Serverless: SERVERLESS }))
  const arn = created.ClusterArn!
  await waitFor(async () => (await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo?.State === 'ACTIVE',
    { timeoutMs: 10_000, what: `${name} to be ACTIVE` })
  const bootstrap = (await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }))).BootstrapBrokerStringSaslIam!
  return { arn, bootstrap }
}

test('every operation through the JS SDK, with its error classes', async t => {
  const node = await startControlPlaneNode(t)
  const kafka = client(node)
  t.after(() => kafka.destroy())
  const created = await kafka.send(new CreateClusterV2Command({ ClusterName: 'sdk-cluster', Serverless: SERVERLESS, Tags: { env: 'dev' } }))
  assert.equal(created.State, 'CREATING')
  assert.equal(created.ClusterType, 'SERVERLESS')
  const arn = created.ClusterArn!
  await waitFor(async () => (await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo?.State === 'ACTIVE', { timeoutMs: 10_000 })
  const info = (await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn }))).ClusterInfo!
  assert.ok(info.CreationTime instanceof Date)
  assert.deepEqual(info.Serverless?.VpcConfigs, SERVERLESS.VpcConfigs)
  assert.equal(info.Serverless?.ClientAuthentication?.Sasl?.Iam?.Enabled, true)
  assert.match((await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }))).BootstrapBrokerStringSaslIam!, /^127\.0\.0\.1:\d+$/)

  await kafka.send(new TagResourceCommand({ ResourceArn: arn, Tags: { team: 'data' } }))
  await kafka.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env'] }))
  assert.deepEqual((await kafka.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, { team: 'data' })

  for (const name of ['sdk-a', 'sdk-b', 'sdk-c']) await kafka.send(new CreateClusterV2Command({ ClusterName: name, Serverless: SERVERLESS }))
  const names: string[] = []
  let pages = 0
  for await (const page of paginateListClustersV2({ client: kafka, pageSize: 2 }, { ClusterNameFilter: 'sdk-' })) {
    pages++
    names.push(...(page.ClusterInfoList ?? []).map(cluster => cluster.ClusterName!))
  }
  assert.deepEqual(names, ['sdk-cluster', 'sdk-a', 'sdk-b', 'sdk-c'])
  assert.equal(pages, 2)
  assert.equal((await kafka.send(new ListClustersV2Command({ ClusterTypeFilter: 'PROVISIONED' }))).ClusterInfoList?.length, 0)

  const unknown = arn.replace(/[0-9a-f-]{36}-s1$/, '55555555-5555-5555-5555-555555555555-s1')
  await assert.rejects(kafka.send(new DescribeClusterV2Command({ ClusterArn: unknown })), (error: unknown) => {
    assert.ok(error instanceof NotFoundException)
    assert.equal(error.$metadata.httpStatusCode, 404)
    assert.equal(error.InvalidParameter, 'clusterArn')
    return true
  })
  await assert.rejects(kafka.send(new CreateClusterV2Command({ ClusterName: 'sdk-a', Serverless: SERVERLESS })), ConflictException)
  await assert.rejects(kafka.send(new CreateClusterV2Command({ ClusterName: 'big', Provisioned: { BrokerNodeGroupInfo: { ClientSubnets: ['s'], InstanceType: 'kafka.m5.large' }, KafkaVersion: '3.5.1', NumberOfBrokerNodes: 3 } })),
    (error: unknown) => error instanceof BadRequestException && /serverless clusters only/.test(error.message))
  const limited = client(node, LIMITED)
  t.after(() => limited.destroy())
  await assert.rejects(limited.send(new DeleteClusterCommand({ ClusterArn: arn })), ForbiddenException)
  const wrong = client(node, { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'wrong' })
  t.after(() => wrong.destroy())
  await assert.rejects(wrong.send(new ListClustersV2Command({})), UnauthorizedException)

  const deleted = await kafka.send(new DeleteClusterCommand({ ClusterArn: arn, CurrentVersion: info.CurrentVersion }))
  assert.equal(deleted.State, 'DELETING')
  await waitFor(async () => await kafka.send(new DescribeClusterV2Command({ ClusterArn: arn })).then(() => false, error => error instanceof NotFoundException),
    { timeoutMs: 10_000, what: 'the cluster to be gone' })
})

test('malformed JSON and a non-object body sent signed over the wire are BadRequestException', async t => {
  const node = await startControlPlaneNode(t)
  const url = new URL(node.endpointUrl)
  for (const [body, message] of [['{"clusterName": ', /not valid JSON/], ['"text"', /must be a JSON object/]] as const) {
    const signer = new SignatureV4({ service: 'kafka', region: 'us-east-1', credentials: ADMIN, sha256: NodeSha256 })
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/api/v2/clusters',
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body
    })
    const response = await fetch(`${node.endpointUrl}/api/v2/clusters`, { method: 'POST', headers: signed.headers as Record<string, string>, body })
    assert.equal(response.status, 400)
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^BadRequestException:/)
    assert.match(((await response.json()) as { message: string }).message, message)
  }
})

test('two clusters hold a topic of the same name without seeing each other; deleting one stops its endpoint only', async t => {
  const node = await startControlPlaneNode(t)
  const kafka = client(node)
  t.after(() => kafka.destroy())
  const one = await activeCluster(kafka, 'tenant-one')
  const two = await activeCluster(kafka, 'tenant-two')
  assert.notEqual(one.bootstrap, two.bootstrap)
  const tls = { ca: node.node.tls!.caPem }
  await createTopics(one.bootstrap, [{ name: 'orders', partitions: 1 }], { tls })
  await createTopics(two.bootstrap, [{ name: 'orders', partitions: 2 }], { tls })
  await createTopics(two.bootstrap, [{ name: 'only-in-two', partitions: 1 }], { tls })
  await kcatProduce(one.bootstrap, 'orders', ['from-one-a', 'from-one-b'], sslArgs(node.caFile))
  await kcatProduce(two.bootstrap, 'orders', ['from-two'], sslArgs(node.caFile))

  const readOne = await kcatConsume(one.bootstrap, 'orders', ['-o', 'beginning', ...sslArgs(node.caFile)])
  const readTwo = await kcatConsume(two.bootstrap, 'orders', ['-o', 'beginning', ...sslArgs(node.caFile)])
  assert.deepEqual(readOne.map(message => message.payload).sort(), ['from-one-a', 'from-one-b'])
  assert.deepEqual(readTwo.map(message => message.payload), ['from-two'])
  assert.deepEqual(readOne.map(message => message.offset).sort(), [0, 1])
  assert.equal(readTwo[0]!.offset, 0)
  // The default cluster (plaintext listener) sees neither.
  assert.deepEqual(await node.node.catalog.listTopics(node.node.config.defaultCluster.clusterId), [])
  const topicsOfOne = (await node.node.catalog.listTopics(one.arn.split('/').at(-1)!)).map(topic => [topic.name, topic.partitionCount])
  assert.deepEqual(topicsOfOne, [['orders', 1]])

  const connected = await WireClient.connect(one.bootstrap, { tls })
  t.after(() => connected.close())
  await kafka.send(new DeleteClusterCommand({ ClusterArn: one.arn }))
  await waitFor(async () => await kafka.send(new DescribeClusterV2Command({ ClusterArn: one.arn })).then(() => false, error => error instanceof NotFoundException),
    { timeoutMs: 10_000, what: 'tenant-one to be gone' })
  await connected.closed
  assert.equal(connected.isClosed, true, 'the deleted cluster\'s client was disconnected')
  await assert.rejects(WireClient.connect(one.bootstrap, { tls }), /ECONNREFUSED/)
  assert.deepEqual(await node.node.catalog.listTopics(one.arn.split('/').at(-1)!), [])
  const stillTwo = await kcatConsume(two.bootstrap, 'orders', ['-o', 'beginning', ...sslArgs(node.caFile)])
  assert.deepEqual(stillTwo.map(message => message.payload), ['from-two'])
})
