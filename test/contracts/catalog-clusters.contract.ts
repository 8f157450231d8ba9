// The Catalog contract for clusters made through the control plane: the ARN, account, echoed
// settings, bootstrap port and FAILED reason round trip; names are unique per account and ports
// per deployment; tags; state changes; and deleteCluster removing everything of one cluster while
// leaving the others untouched. Run by runCatalogContract on every backend.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ServiceError } from '../../src/common/errors.ts'
import type { Catalog, ClusterRecord } from '../../src/storage/catalog.ts'
import { CLUSTER, OTHER_CLUSTER, batchAppend, opened, topicRecord } from './catalog-fixtures.ts'
import type { OpenCatalog } from './catalog-fixtures.ts'
import { committed, groupRecord } from './catalog-groups.contract.ts'
import { producerAppend } from './catalog-producers.contract.ts'
import { transactionRecord } from './catalog-transactions.contract.ts'

const ACCOUNT = '123456789012'

export function managedCluster (clusterId: string, name: string, fields: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    clusterId,
    name,
    state: 'CREATING',
    createdAtMs: 1_700_000_000_000,
    arn: `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/${name}/${clusterId}`,
    accountId: ACCOUNT,
    serverless: {
      vpcConfigs: [{ subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] }],
      clientAuthentication: { sasl: { iam: { enabled: true } } }
    },
    bootstrapPort: 19098,
    ...fields
  }
}

function isServiceError (code: string): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`)
    assert.equal(error.code, code)
    return true
  }
}

/** Fills a cluster with a topic holding data, a group with offsets, a producer with state and a transaction. */
async function populate (catalog: Catalog, clusterId: string) {
  const topic = topicRecord('events', 2, clusterId)
  await catalog.createTopic(topic)
  const producer = await catalog.allocateProducerId(clusterId, 1_000)
  const [result] = await catalog.commitAppends(`object-${clusterId}`, [
    producerAppend(topic, 0, { producerId: producer.producerId, producerEpoch: 0, baseSequence: 0, offsetCount: 3 }),
    batchAppend(topic, 1, { position: 5000, size: 10, offsetCount: 1 })
  ])
  assert.equal(result?.errorCode, 0)
  assert.equal(await catalog.createGroup(groupRecord('readers', clusterId), 10), 'created')
  assert.deepEqual(await catalog.commitOffsets(clusterId, 'readers', [committed(topic.topicId, 0, 2)]), [0])
  await catalog.saveTransaction(transactionRecord('txn', {
    clusterId, producerId: producer.producerId, state: 'Ongoing', startedAtMs: 1, partitions: [{ topicId: topic.topicId, partition: 1 }]
  }))
  return { topic, producer }
}

export function runCatalogClustersContract (open: OpenCatalog): void {
  describe('clusters of the control plane', () => {
    it('stores the ARN, account, echoed settings and bootstrap port, and returns copies', async t => {
      const catalog = await opened(open, t)
      const cluster = managedCluster(CLUSTER, 'orders')
      await catalog.createCluster(cluster, { env: 'dev' })
      const stored = await catalog.getCluster(CLUSTER)
      assert.deepEqual(stored, cluster)
      stored!.serverless!.vpcConfigs[0]!.subnetIds.push('changed')
      assert.deepEqual(await catalog.getCluster(CLUSTER), cluster)
      assert.deepEqual(await catalog.listClusters(), [cluster])
      assert.deepEqual(await catalog.getClusterTags(CLUSTER), { env: 'dev' })
    })

    it('refuses a second cluster of the same name in one account with CLUSTER_NAME_TAKEN, not in another account', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'orders'))
      await assert.rejects(
        catalog.createCluster(managedCluster(OTHER_CLUSTER, 'orders', { bootstrapPort: 19099 })),
        isServiceError('CLUSTER_NAME_TAKEN')
      )
      await catalog.createCluster(managedCluster(OTHER_CLUSTER, 'orders', { bootstrapPort: 19099, accountId: '210987654321' }))
      assert.equal((await catalog.listClusters()).length, 2)
    })

    it('refuses a bootstrap port another cluster has with CLUSTER_PORT_TAKEN', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'one'))
      await assert.rejects(catalog.createCluster(managedCluster(OTHER_CLUSTER, 'two')), isServiceError('CLUSTER_PORT_TAKEN'))
      assert.equal(await catalog.getCluster(OTHER_CLUSTER), undefined)
    })

    it('a plain cluster (no account, no port) never conflicts by name', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster({ clusterId: CLUSTER, name: 'default', state: 'ACTIVE', createdAtMs: 1 })
      await catalog.createCluster({ clusterId: OTHER_CLUSTER, name: 'default', state: 'ACTIVE', createdAtMs: 2 })
      assert.deepEqual(await catalog.getCluster(OTHER_CLUSTER), { clusterId: OTHER_CLUSTER, name: 'default', state: 'ACTIVE', createdAtMs: 2 })
    })

    it('changes the state, keeps a FAILED reason until the next change, and answers undefined for an unknown cluster', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'orders'))
      assert.equal((await catalog.setClusterState(CLUSTER, 'FAILED', 'port in use'))?.stateMessage, 'port in use')
      assert.equal((await catalog.getCluster(CLUSTER))?.state, 'FAILED')
      const active = await catalog.setClusterState(CLUSTER, 'ACTIVE')
      assert.equal(active?.state, 'ACTIVE')
      assert.equal(active?.stateMessage, undefined)
      assert.equal(await catalog.setClusterState('missing', 'ACTIVE'), undefined)
    })

    it('adds, overwrites and removes tags; false for an unknown cluster', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'orders'), { env: 'dev', team: 'a' })
      assert.equal(await catalog.tagCluster(CLUSTER, { team: 'data', owner: 'me' }), true)
      assert.deepEqual(await catalog.getClusterTags(CLUSTER), { env: 'dev', owner: 'me', team: 'data' })
      assert.equal(await catalog.untagCluster(CLUSTER, ['env', 'absent']), true)
      assert.deepEqual(await catalog.getClusterTags(CLUSTER), { owner: 'me', team: 'data' })
      assert.equal(await catalog.tagCluster('missing', { a: 'b' }), false)
      assert.equal(await catalog.untagCluster('missing', ['a']), false)
      assert.deepEqual(await catalog.getClusterTags('missing'), {})
    })

    it('deleteCluster removes topics, partitions, coordinates, groups, offsets, producers and transactions of that cluster only', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'one'), { env: 'dev' })
      await catalog.createCluster(managedCluster(OTHER_CLUSTER, 'two', { bootstrapPort: 19099 }), { env: 'prod' })
      const gone = await populate(catalog, CLUSTER)
      const kept = await populate(catalog, OTHER_CLUSTER)

      assert.equal(await catalog.deleteCluster(CLUSTER), true)
      assert.equal(await catalog.getCluster(CLUSTER), undefined)
      assert.deepEqual(await catalog.listTopics(CLUSTER), [])
      assert.equal(await catalog.getPartitionOffsets(gone.topic.topicId, 0), undefined)
      assert.deepEqual(await catalog.findBatches(gone.topic.topicId, 0, 0, 1 << 20), [])
      assert.deepEqual(await catalog.listPartitionProducers(gone.topic.topicId, 0), [])
      assert.equal(await catalog.getProducerId(CLUSTER, gone.producer.producerId), undefined)
      assert.deepEqual(await catalog.listGroups(CLUSTER), [])
      assert.deepEqual(await catalog.fetchOffsets(CLUSTER, 'readers'), [])
      assert.deepEqual(await catalog.listTransactions(CLUSTER), [])
      assert.deepEqual(await catalog.getClusterTags(CLUSTER), {})
      assert.equal((await catalog.listReferencedObjectKeys()).has(`object-${CLUSTER}`), false)
      assert.equal(await catalog.deleteCluster(CLUSTER), false)

      assert.equal((await catalog.getCluster(OTHER_CLUSTER))?.name, 'two')
      assert.deepEqual((await catalog.listTopics(OTHER_CLUSTER)).map(topic => topic.name), ['events'])
      assert.deepEqual(await catalog.getPartitionOffsets(kept.topic.topicId, 0), { logStartOffset: 0, highWatermark: 3 })
      assert.equal((await catalog.findBatches(kept.topic.topicId, 1, 0, 1 << 20)).length, 1)
      assert.equal((await catalog.listPartitionProducers(kept.topic.topicId, 0)).length, 1)
      assert.equal((await catalog.getProducerId(OTHER_CLUSTER, kept.producer.producerId))?.producerId, kept.producer.producerId)
      assert.equal((await catalog.fetchOffsets(OTHER_CLUSTER, 'readers')).length, 1)
      assert.equal((await catalog.listTransactions(OTHER_CLUSTER)).length, 1)
      assert.deepEqual(await catalog.getClusterTags(OTHER_CLUSTER), { env: 'prod' })
      assert.equal((await catalog.listReferencedObjectKeys()).has(`object-${OTHER_CLUSTER}`), true)
    })

    it('frees the name and the port of a deleted cluster', async t => {
      const catalog = await opened(open, t)
      await catalog.createCluster(managedCluster(CLUSTER, 'orders'))
      await catalog.deleteCluster(CLUSTER)
      await catalog.createCluster(managedCluster(OTHER_CLUSTER, 'orders'))
      assert.equal((await catalog.getCluster(OTHER_CLUSTER))?.bootstrapPort, 19098)
    })
  })
}
