import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterArn, clusterArnProblem, groupArn, kafkaResourceArn, parseClusterArn, splitArn, topicArn, transactionalIdArn } from './arn.ts'

const cluster = { region: 'us-east-1', accountId: '123456789012', clusterName: 'serverless-kafka', clusterUuid: '813876e5-2023-4882-88c4-58ad8599da5a-s2' }

test('builds the four MSK ARNs of spec 4.2 by plain concatenation', () => {
  assert.equal(clusterArn(cluster), 'arn:aws:kafka:us-east-1:123456789012:cluster/serverless-kafka/813876e5-2023-4882-88c4-58ad8599da5a-s2')
  assert.equal(topicArn(cluster, 'user-events'), 'arn:aws:kafka:us-east-1:123456789012:topic/serverless-kafka/813876e5-2023-4882-88c4-58ad8599da5a-s2/user-events')
  assert.equal(groupArn(cluster, 'a*b?/c:d'), 'arn:aws:kafka:us-east-1:123456789012:group/serverless-kafka/813876e5-2023-4882-88c4-58ad8599da5a-s2/a*b?/c:d')
  assert.equal(transactionalIdArn(cluster, 'tx/1'), 'arn:aws:kafka:us-east-1:123456789012:transactional-id/serverless-kafka/813876e5-2023-4882-88c4-58ad8599da5a-s2/tx/1')
  assert.equal(kafkaResourceArn(cluster, 'cluster', 'ignored'), clusterArn(cluster))
  assert.equal(clusterArn({ ...cluster, partition: 'aws-cn' }).slice(0, 16), 'arn:aws-cn:kafka')
})

test('parses a cluster ARN back into its parts', () => {
  assert.deepEqual(parseClusterArn(clusterArn(cluster)), { ...cluster, partition: 'aws' })
  assert.equal(parseClusterArn('arn:aws:kafka:us-east-1:123456789:cluster/serverless-kafka/abc-123')?.clusterUuid, 'abc-123')
})

test('a string that is not a cluster ARN gets the reason', () => {
  const cases: Array<[string, string]> = [
    ['serverless-kafka', 'expected arn:<partition>:kafka:<region>:<account-id>:cluster/<name>/<uuid>'],
    ['arn:aws:s3:us-east-1:1:cluster/a/b', "the service is 's3', not 'kafka'"],
    ['arn:aws:kafka::1:cluster/a/b', 'the region is empty'],
    ['arn:aws:kafka:us-east-1::cluster/a/b', 'the account id is empty'],
    [topicArn(cluster, 't'), 'the resource does not start with cluster/'],
    ['arn:aws:kafka:us-east-1:1:cluster/a', 'expected cluster/<name>/<uuid>'],
    ['arn:aws:kafka:us-east-1:1:cluster/a_b/u', "'a_b' is not a cluster name (1-64 letters, digits and hyphens)"],
    ['arn:aws:kafka:us-east-1:1:cluster/a/', "'' is not a cluster uuid"]
  ]
  for (const [arn, reason] of cases) {
    assert.equal(parseClusterArn(arn), undefined, arn)
    assert.equal(clusterArnProblem(arn), `Invalid cluster ARN '${arn}': ${reason}`)
  }
  assert.equal(clusterArnProblem(clusterArn(cluster)), undefined)
})

test('splitArn keeps colons of the resource part', () => {
  assert.deepEqual(splitArn(groupArn(cluster, 'a:b')), { partition: 'aws', service: 'kafka', region: 'us-east-1', accountId: '123456789012', resource: `group/serverless-kafka/${cluster.clusterUuid}/a:b` })
  assert.equal(splitArn('arn:aws:kafka:us-east-1:1'), undefined)
  assert.equal(splitArn('urn:aws:kafka:us-east-1:1:x'), undefined)
})
