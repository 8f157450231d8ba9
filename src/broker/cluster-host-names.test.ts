import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterHostName, normalizeHostName, shortClusterId } from './cluster-host-names.ts'

test('a cluster is named boot-<first 8 hex digits of its UUID>.<domain>', () => {
  const clusterId = '3F2A9C1D-77b0-4e6a-9d2c-0a1b2c3d4e5f-s1'
  assert.equal(shortClusterId(clusterId), '3f2a9c1d')
  assert.equal(clusterHostName(clusterId, 'Kafka.Example.Internal.'), 'boot-3f2a9c1d.kafka.example.internal')
})

test('clusters whose ids differ early get different names; ids without letters or digits are refused', () => {
  const names = new Set(['0a1b2c3d-0000-4000-8000-000000000000-s1', '0a1b2c3e-0000-4000-8000-000000000000-s1']
    .map(id => clusterHostName(id, 'kafka.test')))
  assert.equal(names.size, 2)
  assert.throws(() => shortClusterId('---'), /no letters or digits/)
})

test('host names compare without case or a trailing dot', () => {
  assert.equal(normalizeHostName('BOOT-ABC.Kafka.Test.'), 'boot-abc.kafka.test')
  assert.equal(normalizeHostName('boot-abc.kafka.test'), 'boot-abc.kafka.test')
})
