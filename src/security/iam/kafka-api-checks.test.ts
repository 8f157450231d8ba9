import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { apiDescriptors } from '../../protocol/messages/index.ts'
import { KAFKA_API_AUTHORIZATIONS, kafkaActionFor, kafkaChecksFor } from './kafka-api-checks.ts'
import { KAFKA_CLUSTER_ACTIONS } from './kafka-actions.ts'

test('every row names a real Kafka API by its key, and each action on the resource type it is defined for', () => {
  assert.ok(KAFKA_API_AUTHORIZATIONS.size >= 50)
  for (const [apiKey, entry] of KAFKA_API_AUTHORIZATIONS) {
    assert.equal(apiDescriptors.get(apiKey)?.name, entry.apiName, `API key ${apiKey}`)
    const seen = new Set<string>()
    for (const check of entry.checks) {
      if (check.action !== undefined) assert.equal(KAFKA_CLUSTER_ACTIONS[check.action].resourceType, check.resourceType, `${entry.apiName}: ${check.action}`)
      const key = `${check.resourceType}/${check.purpose}`
      assert.ok(!seen.has(key), `${entry.apiName} has one ${key} check`)
      seen.add(key)
    }
  }
})

test('spec 4.3 rows: the action and the error a denial answers with', () => {
  const expected: Array<[number, 'cluster' | 'topic' | 'group' | 'transactional-id', string | undefined, number]> = [
    [0, 'topic', 'WriteData', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [0, 'transactional-id', 'AlterTransactionalId', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    [1, 'topic', 'ReadData', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [2, 'topic', 'DescribeTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [3, 'topic', 'DescribeTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [8, 'group', 'AlterGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [8, 'topic', 'ReadData', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [9, 'group', 'DescribeGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [10, 'transactional-id', 'DescribeTransactionalId', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    [11, 'group', 'AlterGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [19, 'topic', 'CreateTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [20, 'topic', 'DeleteTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [21, 'topic', 'DeleteTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [22, 'cluster', 'WriteDataIdempotently', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    [25, 'group', 'AlterGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [27, 'cluster', undefined, ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    [32, 'topic', 'DescribeTopicDynamicConfiguration', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [32, 'cluster', 'DescribeClusterDynamicConfiguration', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    [44, 'topic', 'AlterTopicDynamicConfiguration', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [36, 'cluster', 'Connect', ErrorCode.SASL_AUTHENTICATION_FAILED],
    [37, 'topic', 'AlterTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [42, 'group', 'DeleteGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [47, 'group', 'DeleteGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [60, 'cluster', 'DescribeCluster', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    [61, 'topic', 'ReadData', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    [68, 'group', 'AlterGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [69, 'group', 'DescribeGroup', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    [75, 'topic', 'DescribeTopic', ErrorCode.TOPIC_AUTHORIZATION_FAILED]
  ]
  for (const [apiKey, resourceType, action, errorCode] of expected) {
    const check = kafkaActionFor(apiKey, resourceType)
    assert.ok(check !== undefined, `${apiKey} ${resourceType}`)
    assert.equal(check.action, action === undefined ? undefined : `kafka-cluster:${action}`, `${apiKey} ${resourceType}`)
    assert.equal(check.errorCode, errorCode, `${apiKey} ${resourceType}`)
  }
})

test('second checks on one resource type are asked for by purpose; listings omit instead of failing', () => {
  assert.equal(kafkaActionFor(3, 'topic', 'auto-create')?.action, 'kafka-cluster:CreateTopic')
  assert.equal(kafkaActionFor(19, 'topic', 'return-configs')?.action, 'kafka-cluster:DescribeTopicDynamicConfiguration')
  assert.equal(kafkaActionFor(19, 'topic', 'return-configs')?.onDenied, 'omit')
  assert.equal(kafkaActionFor(68, 'topic', 'subscribed-topics')?.action, 'kafka-cluster:DescribeTopic')
  assert.equal(kafkaActionFor(1, 'cluster', 'replica-fetch')?.action, undefined)
  assert.ok(kafkaChecksFor(16)!.checks.every(check => check.onDenied === 'omit'), 'ListGroups never errors')
  assert.equal(kafkaActionFor(28, 'topic')?.action, 'kafka-cluster:ReadData')
  assert.deepEqual(kafkaChecksFor(28)!.checks.map(check => check.resourceType), ['transactional-id', 'group', 'topic'], 'TxnOffsetCommit checks in order')
  assert.deepEqual(kafkaChecksFor(18)!.checks, [], 'ApiVersions needs no check')
  assert.equal(kafkaActionFor(18, 'cluster'), undefined)
  assert.equal(kafkaChecksFor(38), undefined, 'CreateDelegationToken is granted to nobody')
})
