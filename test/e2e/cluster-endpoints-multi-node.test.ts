// A tenant cluster is served on every node: two nodes sharing one Catalog (on 127.0.0.1 and
// 127.0.0.2), a cluster created through one node's control plane opens on the other within its
// sync interval, GetBootstrapBrokers names both nodes, and deletion closes both endpoints.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { CreateClusterV2Command, DeleteClusterCommand, DescribeClusterV2Command, GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka'
import { ADMIN, testIdentities } from '../helpers/control-plane-kit.ts'
import { makeTempDir, startTestNode } from '../helpers/start-node.ts'
import { WireClient } from '../helpers/wire-client.ts'
import { waitFor } from '../helpers/wait-for.ts'

async function canConnect (bootstrap: string, ca: string[]): Promise<boolean> {
  try {
    const client = await WireClient.connect(bootstrap, { tls: { ca } })
    client.close()
    return true
  } catch {
    return false
  }
}

test('a cluster created through one node opens on every node and closes on every node when deleted', async t => {
  const shared = makeTempDir(t, 'skiff-shared-')
  const firstPort = 20_000 + Math.floor(Math.random() * 40_000)
  const common = {
    catalogUrl: `sqlite:${join(shared, 'catalog.db')}`,
    objectStoreUrl: `file:${join(shared, 'objects')}`,
    tls: {},
    clusterEndpoints: { firstPort, lastPort: firstPort + 50, syncIntervalMs: 200 }
  }
  const one = await startTestNode(t, { config: { ...common, host: '127.0.0.1', controlPlane: {} }, identities: testIdentities() })
  const two = await startTestNode(t, { config: { ...common, host: '127.0.0.2' } })
  const ca = [one.node.tls!.caPem!, two.node.tls!.caPem!]
  const kafka = new KafkaClient({ endpoint: `http://127.0.0.1:${one.node.controlPlanePort!}`, region: 'us-east-1', credentials: ADMIN })
  t.after(() => kafka.destroy())

  const { ClusterArn } = await kafka.send(new CreateClusterV2Command({ ClusterName: 'everywhere', Serverless: { VpcConfigs: [{ SubnetIds: ['s'] }] } }))
  await waitFor(async () => (await kafka.send(new DescribeClusterV2Command({ ClusterArn }))).ClusterInfo?.State === 'ACTIVE', { timeoutMs: 10_000 })
  const bootstrap = (await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn }))).BootstrapBrokerStringSaslIam!
  const port = /:(\d+)$/.exec(bootstrap)![1]!
  assert.deepEqual(bootstrap.split(',').sort(), [`127.0.0.1:${port}`, `127.0.0.2:${port}`])
  await waitFor(() => canConnect(`127.0.0.2:${port}`, ca), { timeoutMs: 10_000, what: 'the second node to serve the cluster' })
  assert.equal(await canConnect(`127.0.0.1:${port}`, ca), true)

  await kafka.send(new DeleteClusterCommand({ ClusterArn }))
  await waitFor(async () => !(await canConnect(`127.0.0.2:${port}`, ca)), { timeoutMs: 10_000, what: 'the second node to close the endpoint' })
  await waitFor(async () => !(await canConnect(`127.0.0.1:${port}`, ca)), { timeoutMs: 10_000, what: 'the first node to close the endpoint' })
  assert.deepEqual(two.node.clusterListeners.clusterIds(), [])
})
