import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CONTROL_PLANE_OPERATIONS, controlPlaneActionFor, iamPolicyArn, iamRoleArn, iamUserArn } from './control-plane-actions.ts'

test('the AWS Kafka REST operations map to kafka:* actions on the cluster, listings on *', () => {
  for (const operation of ['CreateClusterV2', 'DescribeClusterV2', 'GetBootstrapBrokers', 'DeleteCluster', 'TagResource', 'UntagResource', 'ListTagsForResource']) {
    assert.deepEqual([controlPlaneActionFor('kafka', operation)?.action, controlPlaneActionFor('kafka', operation)?.resourceType], [`kafka:${operation}`, 'cluster'], operation)
  }
  assert.equal(controlPlaneActionFor('kafka', 'ListClustersV2')?.resourceType, 'any')
  assert.equal(controlPlaneActionFor('kafka', 'RebootBroker'), undefined)
})

test('IAM and STS operations map to iam:* and sts:* actions; GetCallerIdentity needs none', () => {
  assert.deepEqual(controlPlaneActionFor('iam', 'CreateUser'), { service: 'iam', operation: 'CreateUser', action: 'iam:CreateUser', resourceType: 'user' })
  assert.equal(controlPlaneActionFor('iam', 'PutRolePolicy')?.resourceType, 'role')
  assert.equal(controlPlaneActionFor('sts', 'AssumeRole')?.action, 'sts:AssumeRole')
  assert.equal(controlPlaneActionFor('sts', 'GetCallerIdentity')?.action, undefined)
  for (const entry of CONTROL_PLANE_OPERATIONS.values()) {
    if (entry.action !== undefined) assert.equal(entry.action, `${entry.service}:${entry.operation}`)
  }
})

test('IAM ARNs carry no region and keep the path', () => {
  assert.equal(iamUserArn('123456789012', 'alice'), 'arn:aws:iam::123456789012:user/alice')
  assert.equal(iamRoleArn('123456789012', 'worker', '/app/'), 'arn:aws:iam::123456789012:role/app/worker')
  assert.equal(iamPolicyArn('123456789012', 'kafka-client'), 'arn:aws:iam::123456789012:policy/kafka-client')
})
