import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ACL_OPERATION_ACTIONS, aclOperationBits, aclOperationNames, UNKNOWN_AUTHORIZED_OPERATIONS } from './kafka-acl-operations.ts'
import { KAFKA_CLUSTER_ACTIONS } from './kafka-actions.ts'

describe('Kafka AclOperation bit sets', () => {
  it('sets the bit of each allowed operation, in Kafka\'s codes', () => {
    const allowed = new Set(['kafka-cluster:ReadData', 'kafka-cluster:DescribeTopic'])
    const bits = aclOperationBits('topic', action => allowed.has(action))
    assert.equal(bits, (1 << 3) | (1 << 8))
    assert.deepEqual(aclOperationNames(bits), ['READ', 'DESCRIBE'])
  })

  it('reports a group\'s READ from AlterGroup, as MSK maps READ GROUP', () => {
    assert.deepEqual(aclOperationNames(aclOperationBits('group', action => action === 'kafka-cluster:AlterGroup')), ['READ'])
  })

  it('reports no cluster operations at all without DescribeCluster, as Kafka does', () => {
    assert.equal(aclOperationBits('cluster', action => action === 'kafka-cluster:WriteDataIdempotently'), 0)
    assert.deepEqual(aclOperationNames(aclOperationBits('cluster', () => true)), ['ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'])
  })

  it('maps every operation to an action on the same resource type', () => {
    for (const [resourceType, entries] of Object.entries(ACL_OPERATION_ACTIONS)) {
      for (const [, action] of entries) assert.equal(KAFKA_CLUSTER_ACTIONS[action].resourceType, resourceType, action)
    }
  })

  it('names nothing in the "not asked" value', () => {
    assert.deepEqual(aclOperationNames(UNKNOWN_AUTHORIZED_OPERATIONS), [])
  })
})
