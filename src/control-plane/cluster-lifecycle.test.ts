// The life cycle with SNI routing (no port range): clusters get no port of their own, however many.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { silentLogger } from '../common/logger.ts'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { RecordingEndpoints } from '../../test/helpers/control-plane-kit.ts'
import { ClusterLifecycle } from './cluster-lifecycle.ts'

test('with one port routed by SNI name, clusters are stored without a port, opened and made ACTIVE', async () => {
  const catalog = new MemoryCatalog()
  const endpoints = new RecordingEndpoints()
  // Every port busy: with SNI routing none is asked for.
  endpoints.isPortAvailable = async () => false
  const clusters = new ClusterLifecycle({
    catalog, endpoints, region: 'us-east-1', ports: undefined, reservedPorts: () => [], clock: { nowMs: () => Date.now() }, logger: silentLogger
  })
  const created = []
  for (const name of ['one', 'two', 'three']) {
    created.push(await clusters.create(clusters.newClusterId(), { accountId: '123456789012', name, serverless: { vpcConfigs: [] }, tags: {} }))
  }
  await clusters.settled()
  for (const cluster of created) {
    const stored = await catalog.getCluster(cluster.clusterId)
    assert.equal(stored?.state, 'ACTIVE')
    assert.equal(stored?.bootstrapPort, undefined)
  }
  assert.deepEqual(endpoints.opened, created.map(cluster => cluster.clusterId))
  await assert.rejects(clusters.create(clusters.newClusterId(), { accountId: '123456789012', name: 'two', serverless: { vpcConfigs: [] }, tags: {} }),
    /A cluster named two already exists/)
})
