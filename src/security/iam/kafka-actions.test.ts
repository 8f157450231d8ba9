import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { clusterArn, groupArn, topicArn, transactionalIdArn } from './arn.ts'
import { compilePolicy } from './compiled-policy.ts'
import { kafkaActionFor } from './kafka-api-checks.ts'
import { IMPLYING_ACTIONS, KAFKA_CLUSTER_ACTIONS, authorizeKafkaAction } from './kafka-actions.ts'
import { authorizeKafkaCheck } from './kafka-authorization.ts'
import { PolicySet, explainDecision } from './policy-evaluator.ts'
import { RequestContext } from './request-context.ts'

const cluster = { region: 'us-east-1', accountId: '123456789012', clusterName: 'c1', clusterUuid: 'u1-s1' }

function policySet (statements: object[]): PolicySet {
  return new PolicySet([compilePolicy('app', JSON.stringify({ Version: '2012-10-17', Statement: statements }))])
}

test('the action table follows spec 4.1: resource types, required actions, serverless support', () => {
  assert.equal(Object.keys(KAFKA_CLUSTER_ACTIONS).length, 19)
  assert.deepEqual(KAFKA_CLUSTER_ACTIONS['kafka-cluster:ReadData'].requiredActions, ['kafka-cluster:Connect', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterGroup'])
  assert.equal(KAFKA_CLUSTER_ACTIONS['kafka-cluster:AlterTransactionalId'].resourceType, 'transactional-id')
  assert.equal(KAFKA_CLUSTER_ACTIONS['kafka-cluster:AlterCluster'].isSupportedOnServerless, false)
  assert.equal(KAFKA_CLUSTER_ACTIONS['kafka-cluster:DescribeGroup'].accessLevel, 'List')
  assert.equal(KAFKA_CLUSTER_ACTIONS['kafka-cluster:ReadData'].accessLevel, 'Read')
  for (const [describe, implying] of Object.entries(IMPLYING_ACTIONS)) {
    const type = KAFKA_CLUSTER_ACTIONS[describe as keyof typeof KAFKA_CLUSTER_ACTIONS].resourceType
    for (const action of implying ?? []) assert.equal(KAFKA_CLUSTER_ACTIONS[action].resourceType, type, `${action} implies ${describe} on the same resource type`)
  }
})

test('implication: ReadData/WriteData/AlterTopic/DeleteTopic imply DescribeTopic on the same topic only', () => {
  for (const action of ['ReadData', 'WriteData', 'AlterTopic', 'DeleteTopic']) {
    const set = policySet([{ Effect: 'Allow', Action: `kafka-cluster:${action}`, Resource: topicArn(cluster, 'orders') }])
    const decision = authorizeKafkaAction(set, { action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 'orders') })
    assert.ok(decision.isAllowed, action)
    assert.equal(decision.isAllowed && decision.impliedBy, `kafka-cluster:${action}`)
    assert.equal(set.evaluate({ action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 'orders') }).isAllowed, false, 'plain IAM evaluation does not imply')
    assert.equal(authorizeKafkaAction(set, { action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 'other') }).isAllowed, false)
  }
  const set = policySet([{ Effect: 'Allow', Action: 'kafka-cluster:DescribeTopic', Resource: '*' }])
  assert.equal(authorizeKafkaAction(set, { action: 'kafka-cluster:ReadData', resource: topicArn(cluster, 'orders') }).isAllowed, false, 'implication goes one way')
})

test('implication for groups, transactional ids and dynamic configurations', () => {
  const set = policySet([{ Effect: 'Allow', Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:AlterTransactionalId', 'kafka-cluster:AlterTopicDynamicConfiguration', 'kafka-cluster:AlterClusterDynamicConfiguration'], Resource: '*' }])
  const checks: Array<[string, string]> = [
    ['DescribeGroup', groupArn(cluster, 'g')],
    ['DescribeTransactionalId', transactionalIdArn(cluster, 'tx')],
    ['DescribeTopicDynamicConfiguration', topicArn(cluster, 't')],
    ['DescribeClusterDynamicConfiguration', clusterArn(cluster)]
  ]
  for (const [action, resource] of checks) assert.ok(authorizeKafkaAction(set, { action: `kafka-cluster:${action}`, resource }).isAllowed, action)
  assert.ok(authorizeKafkaAction(policySet([{ Effect: 'Allow', Action: 'kafka-cluster:DeleteGroup', Resource: '*' }]), { action: 'kafka-cluster:describegroup', resource: groupArn(cluster, 'g') }).isAllowed, 'action names are case-insensitive here too')
  assert.equal(authorizeKafkaAction(set, { action: 'kafka-cluster:DescribeCluster', resource: clusterArn(cluster) }).isAllowed, false, 'nothing implies DescribeCluster')
})

test('an explicit Deny of the Describe action wins over implication, and a denied implying action implies nothing', () => {
  const denied = policySet([
    { Effect: 'Allow', Action: 'kafka-cluster:ReadData', Resource: '*' },
    { Sid: 'Hide', Effect: 'Deny', Action: 'kafka-cluster:DescribeTopic', Resource: '*' }
  ])
  const decision = authorizeKafkaAction(denied, { action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 't') })
  assert.equal(decision.reason, 'explicit-deny')
  const readDenied = policySet([
    { Effect: 'Allow', Action: 'kafka-cluster:ReadData', Resource: '*' },
    { Effect: 'Deny', Action: 'kafka-cluster:ReadData', Resource: topicArn(cluster, 't') }
  ])
  assert.equal(authorizeKafkaAction(readDenied, { action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 't') }).reason, 'implicit-deny')
  assert.ok(authorizeKafkaAction(readDenied, { action: 'kafka-cluster:DescribeTopic', resource: topicArn(cluster, 'u') }).isAllowed)
})

test('an implied allow is explained with the implying action', () => {
  const set = policySet([{ Sid: 'Consume', Effect: 'Allow', Action: 'kafka-cluster:ReadData', Resource: '*' }])
  const resource = topicArn(cluster, 'orders')
  assert.equal(
    explainDecision(authorizeKafkaAction(set, { action: 'kafka-cluster:DescribeTopic', resource })),
    `statement 'Consume' (Statement[0]) of policy 'app' allows kafka-cluster:ReadData on ${resource}, which implies kafka-cluster:DescribeTopic`
  )
})

test('authorizeKafkaCheck builds the ARN, applies implication and gives the error code and reason', () => {
  const set = policySet([
    { Effect: 'Allow', Action: ['kafka-cluster:WriteData', 'kafka-cluster:AlterGroup'], Resource: '*' },
    { Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }
  ])
  const produce = authorizeKafkaCheck(set, kafkaActionFor(0, 'topic')!, { cluster, resourceName: 'orders' })
  assert.deepEqual([produce.isAllowed, produce.errorCode], [true, ErrorCode.NONE])
  assert.equal(produce.reason, `Statement[0] of policy 'app' allows kafka-cluster:WriteData on ${topicArn(cluster, 'orders')}`)
  const fetch = authorizeKafkaCheck(set, kafkaActionFor(1, 'topic')!, { cluster, resourceName: 'orders' })
  assert.equal(fetch.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  assert.equal(fetch.reason, `no statement allows kafka-cluster:ReadData on ${topicArn(cluster, 'orders')}`)
  assert.equal(authorizeKafkaCheck(set, kafkaActionFor(15, 'group')!, { cluster, resourceName: 'g' }).isAllowed, true, 'DescribeGroups via AlterGroup')
  assert.equal(authorizeKafkaCheck(set, kafkaActionFor(22, 'transactional-id')!, { cluster, resourceName: 'tx' }).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const connect = kafkaActionFor(36, 'cluster')!
  assert.equal(authorizeKafkaCheck(set, connect, { cluster, context: new RequestContext({ isSecureTransport: true }) }).isAllowed, true)
  assert.equal(authorizeKafkaCheck(set, connect, { cluster }).errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  const markers = authorizeKafkaCheck(policySet([{ Effect: 'Allow', Action: '*', Resource: '*' }]), kafkaActionFor(27, 'cluster')!, { cluster })
  assert.equal(markers.isAllowed, false, 'internal APIs are never granted, even by *')
  assert.equal(markers.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  assert.equal(markers.reason, `internal cluster operations on ${clusterArn(cluster)} are not granted to IAM principals`)
})
