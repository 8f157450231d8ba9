/* eslint-disable no-template-curly-in-string -- IAM policy variables are written ${key} inside plain strings */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterArn, groupArn, topicArn, transactionalIdArn } from './arn.ts'
import { compilePolicy } from './compiled-policy.ts'
import { PolicySet, explainDecision, type AuthorizationRequest } from './policy-evaluator.ts'
import { RequestContext } from './request-context.ts'

// The cluster of the MSK Serverless guide (seeds/000_69c758fdd69381c5.txt), account and region as there.
const cluster = { region: 'us-east-1', accountId: '123456789', clusterName: 'serverless-kafka', clusterUuid: '813876e5-2023-4882-88c4-58ad8599da5a-s2' }
const otherCluster = { ...cluster, clusterName: 'other-kafka' }

// The guide's "comprehensive policy for a producer and consumer application", verbatim.
const guidePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "kafka-cluster:Connect",
        "kafka-cluster:DescribeCluster",
        "kafka-cluster:AlterCluster"
      ],
      "Resource": "arn:aws:kafka:us-east-1:123456789:cluster/serverless-kafka/*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "kafka-cluster:CreateTopic",
        "kafka-cluster:DescribeTopic",
        "kafka-cluster:WriteData",
        "kafka-cluster:ReadData",
        "kafka-cluster:AlterTopic",
        "kafka-cluster:DeleteTopic"
      ],
      "Resource": "arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "kafka-cluster:AlterGroup",
        "kafka-cluster:DescribeGroup",
        "kafka-cluster:DeleteGroup"
      ],
      "Resource": "arn:aws:kafka:us-east-1:123456789:group/serverless-kafka/*"
    }
  ]
}`

function policies (...documents: Array<[string, string | object]>): PolicySet {
  return new PolicySet(documents.map(([name, document]) => compilePolicy(name, typeof document === 'string' ? document : JSON.stringify(document))))
}

function isAllowed (set: PolicySet, action: string, resource: string, extra: Partial<AuthorizationRequest> = {}): boolean {
  return set.evaluate({ action, resource, ...extra }).isAllowed
}

test("the guide's policy grants exactly its cluster, topic and group actions on its own cluster", () => {
  const set = policies(['client', guidePolicy])
  const granted: Array<[string, string]> = [
    ['Connect', clusterArn(cluster)], ['DescribeCluster', clusterArn(cluster)], ['AlterCluster', clusterArn(cluster)],
    ...['CreateTopic', 'DescribeTopic', 'WriteData', 'ReadData', 'AlterTopic', 'DeleteTopic'].map(action => [action, topicArn(cluster, 'user-events')] as [string, string]),
    ...['AlterGroup', 'DescribeGroup', 'DeleteGroup'].map(action => [action, groupArn(cluster, 'event-processor')] as [string, string])
  ]
  for (const [action, resource] of granted) assert.ok(isAllowed(set, `kafka-cluster:${action}`, resource), `${action} on ${resource}`)
  const refused: Array<[string, string]> = [
    // Actions the policy does not name.
    ['DescribeTopicDynamicConfiguration', topicArn(cluster, 'user-events')],
    ['AlterTopicDynamicConfiguration', topicArn(cluster, 'user-events')],
    ['WriteDataIdempotently', clusterArn(cluster)],
    ['DescribeTransactionalId', transactionalIdArn(cluster, 'tx-1')],
    ['AlterTransactionalId', transactionalIdArn(cluster, 'tx-1')],
    // Named actions on the wrong resource type.
    ['WriteData', groupArn(cluster, 'event-processor')],
    ['AlterGroup', topicArn(cluster, 'user-events')],
    ['Connect', topicArn(cluster, 'user-events')],
    // Another cluster, region or account.
    ['Connect', clusterArn(otherCluster)],
    ['WriteData', topicArn(otherCluster, 'user-events')],
    ['WriteData', topicArn({ ...cluster, region: 'eu-west-1' }, 'user-events')],
    ['WriteData', topicArn({ ...cluster, accountId: '210987654321' }, 'user-events')]
  ]
  for (const [action, resource] of refused) assert.equal(isAllowed(set, `kafka-cluster:${action}`, resource), false, `${action} on ${resource}`)
  assert.equal(isAllowed(set, 'kafka:DeleteCluster', clusterArn(cluster)), false, 'a kafka-cluster grant is not a control-plane grant')
})

test("a policy naming one topic (the guide's .../*/user-events) allows it and denies another", () => {
  const set = policies(['writer', {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: ['kafka-cluster:WriteData'], Resource: 'arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/*/user-events' }
  }])
  assert.ok(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'user-events')))
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'orders')), false)
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'user-events-archive')), false)
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'User-Events')), false, 'resource names are case-sensitive')
  assert.equal(isAllowed(set, 'kafka-cluster:ReadData', topicArn(cluster, 'user-events')), false)
})

test('an explicit Deny wins over any Allow, in any order and across policies', () => {
  const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kafka-cluster:*', Resource: '*' }] }
  const denyDelete = { Version: '2012-10-17', Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: 'kafka-cluster:DeleteTopic', Resource: 'arn:aws:kafka:*:*:topic/serverless-kafka/*' }] }
  for (const set of [policies(['admin', allowAll], ['guard', denyDelete]), policies(['guard', denyDelete], ['admin', allowAll])]) {
    const decision = set.evaluate({ action: 'kafka-cluster:DeleteTopic', resource: topicArn(cluster, 'user-events') })
    assert.equal(decision.reason, 'explicit-deny')
    assert.ok(isAllowed(set, 'kafka-cluster:DeleteTopic', topicArn(otherCluster, 'user-events')))
    assert.ok(isAllowed(set, 'kafka-cluster:CreateTopic', topicArn(cluster, 'user-events')))
  }
  const sameStatementOrder = policies(['mixed', { Statement: [denyDelete.Statement[0], allowAll.Statement[0]] }])
  assert.equal(isAllowed(sameStatementOrder, 'kafka-cluster:DeleteTopic', topicArn(cluster, 'x')), false)
})

test('no policy, or an empty set, denies everything implicitly', () => {
  const decision = PolicySet.EMPTY.evaluate({ action: 'kafka-cluster:Connect', resource: clusterArn(cluster) })
  assert.deepEqual(decision, { isAllowed: false, reason: 'implicit-deny', action: 'kafka-cluster:Connect', resource: clusterArn(cluster) })
  const set = policies(['reader', { Statement: { Effect: 'Allow', Action: 'kafka-cluster:ReadData', Resource: '*' } }])
  assert.equal(set.evaluate({ action: 'kafka-cluster:WriteData', resource: topicArn(cluster, 't') }).reason, 'implicit-deny')
})

test('NotAction allows every action but the listed ones; NotResource every resource but the listed ones', () => {
  const set = policies(['broad', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', NotAction: ['kafka-cluster:Delete*', 'kafka-cluster:Alter?roup'], Resource: '*' },
      { Effect: 'Deny', Action: 'kafka-cluster:WriteData', NotResource: 'arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/*/public-*' }
    ]
  }])
  assert.ok(isAllowed(set, 'kafka-cluster:ReadData', topicArn(cluster, 'orders')))
  assert.ok(isAllowed(set, 'kafka:ListClustersV2', '*'), 'NotAction reaches other services too')
  assert.equal(isAllowed(set, 'kafka-cluster:DeleteTopic', topicArn(cluster, 'orders')), false)
  assert.equal(isAllowed(set, 'kafka-cluster:DeleteGroup', groupArn(cluster, 'g')), false)
  assert.equal(isAllowed(set, 'kafka-cluster:AlterGroup', groupArn(cluster, 'g')), false)
  assert.ok(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'public-news')))
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'private-news')), false)
  assert.equal(set.evaluate({ action: 'kafka-cluster:WriteData', resource: topicArn(cluster, 'private-news') }).reason, 'explicit-deny')
})

test('actions match case-insensitively with * and ?; *Topic stops short of *TopicDynamicConfiguration', () => {
  const set = policies(['p', {
    Statement: [
      { Effect: 'Allow', Action: 'KAFKA-CLUSTER:*topic', Resource: '*' },
      { Effect: 'Allow', Action: 'kafka-cluster:?riteData', Resource: '*' }
    ]
  }])
  const topic = topicArn(cluster, 't')
  for (const action of ['CreateTopic', 'DescribeTopic', 'AlterTopic', 'DeleteTopic']) assert.ok(isAllowed(set, `kafka-cluster:${action}`, topic), action)
  assert.equal(isAllowed(set, 'kafka-cluster:DescribeTopicDynamicConfiguration', topic), false)
  assert.ok(isAllowed(set, 'kafka-cluster:writedata', topic))
  assert.equal(isAllowed(set, 'kafka-cluster:WriteDataIdempotently', clusterArn(cluster)), false, '? is exactly one character, anchored')
  assert.equal(isAllowed(set, 'kafka-cluster:ReadData', topic), false)
  const wide = policies(['w', { Statement: { Effect: 'Allow', Action: 'kafka-cluster:*Topic*', Resource: '*' } }])
  assert.ok(isAllowed(wide, 'kafka-cluster:AlterTopicDynamicConfiguration', topic))
})

test('resource ARNs match per component: * in region/account stays there, * in the resource part spans /', () => {
  const set = policies(['p', {
    Statement: [
      { Effect: 'Allow', Action: 'kafka-cluster:ReadData', Resource: 'arn:aws:kafka:*:123456789:topic/serverless-kafka/*' },
      { Effect: 'Allow', Action: 'kafka-cluster:WriteData', Resource: 'arn:aws:kafka:us-east-?:123456789:topic/serverless-kafka/*/*_test' }
    ]
  }])
  assert.ok(isAllowed(set, 'kafka-cluster:ReadData', topicArn({ ...cluster, region: 'ap-south-1' }, 'x')))
  assert.ok(isAllowed(set, 'kafka-cluster:WriteData', topicArn({ ...cluster, region: 'us-east-2' }, 'orders_test')))
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn(cluster, 'orders_prod')), false)
  assert.equal(isAllowed(set, 'kafka-cluster:WriteData', topicArn({ ...cluster, region: 'us-east-10' }, 'orders_test')), false)
  // A wildcard in the account component does not reach across the colon into the resource.
  // (A whole-string glob would let the region's * eat 'us-east-1:123456789' and match this group id's colon.)
  const crossing = policies(['p', { Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:kafka:*:group/*:*' } }])
  assert.equal(isAllowed(crossing, 'kafka-cluster:AlterGroup', groupArn(cluster, 'a:b')), false)
  const resourceColon = policies(['p', { Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:kafka:*:*:group/*:*' } }])
  assert.ok(isAllowed(resourceColon, 'kafka-cluster:AlterGroup', groupArn(cluster, 'a:b')), 'colons inside the resource part are plain characters')
})

test('group ids holding * ? / and : are matched as plain text on the request side', () => {
  const set = policies(['p', {
    Statement: [
      { Effect: 'Allow', Action: 'kafka-cluster:AlterGroup', Resource: 'arn:aws:kafka:us-east-1:123456789:group/serverless-kafka/*/team-?/*' },
      { Effect: 'Allow', Action: 'kafka-cluster:DescribeGroup', Resource: 'arn:aws:kafka:us-east-1:123456789:group/serverless-kafka/*/exact' }
    ]
  }])
  assert.ok(isAllowed(set, 'kafka-cluster:AlterGroup', groupArn(cluster, 'team-a/consumers')))
  assert.ok(isAllowed(set, 'kafka-cluster:AlterGroup', groupArn(cluster, 'team-*/x:y')))
  assert.equal(isAllowed(set, 'kafka-cluster:AlterGroup', groupArn(cluster, 'team-ab/consumers')), false)
  assert.ok(isAllowed(set, 'kafka-cluster:DescribeGroup', groupArn(cluster, 'exact')))
  assert.equal(isAllowed(set, 'kafka-cluster:DescribeGroup', groupArn(cluster, 'exac?')), false, 'a ? in a group id is not a wildcard')
  assert.equal(isAllowed(set, 'kafka-cluster:DescribeGroup', groupArn(cluster, '*')), false, 'a * in a group id is not a wildcard')
  // A policy may name a group whose id holds a wildcard character only through ${*} / ${?} (2012-10-17).
  const literal = policies(['p', { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kafka-cluster:DescribeGroup', Resource: 'arn:aws:kafka:us-east-1:123456789:group/serverless-kafka/*/g${*}' } }])
  assert.ok(isAllowed(literal, 'kafka-cluster:DescribeGroup', groupArn(cluster, 'g*')))
  assert.equal(isAllowed(literal, 'kafka-cluster:DescribeGroup', groupArn(cluster, 'g1')), false)
})

test('policy variables resolve from the request context in 2012-10-17 documents and stay literal in 2008-10-17', () => {
  const statement = { Effect: 'Allow', Action: 'kafka-cluster:WriteData', Resource: 'arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/*/${aws:username}-*' }
  const modern = policies(['p', { Version: '2012-10-17', Statement: statement }])
  const context = new RequestContext({ username: 'alice' })
  assert.ok(isAllowed(modern, 'kafka-cluster:WriteData', topicArn(cluster, 'alice-events'), { context }))
  assert.equal(isAllowed(modern, 'kafka-cluster:WriteData', topicArn(cluster, 'bob-events'), { context }), false)
  assert.equal(isAllowed(modern, 'kafka-cluster:WriteData', topicArn(cluster, 'alice-events')), false, 'an unresolved variable matches nothing')
  const withDefault = policies(['p', { Version: '2012-10-17', Statement: { ...statement, Resource: statement.Resource.replace('${aws:username}', "${aws:username, 'shared'}") } }])
  assert.ok(isAllowed(withDefault, 'kafka-cluster:WriteData', topicArn(cluster, 'shared-events')))
  const legacy = policies(['p', { Version: '2008-10-17', Statement: statement }])
  assert.equal(isAllowed(legacy, 'kafka-cluster:WriteData', topicArn(cluster, 'alice-events'), { context }), false)
  assert.ok(isAllowed(legacy, 'kafka-cluster:WriteData', topicArn(cluster, '${aws:username}-events'), { context }))
})

test('explanations name the deciding statement, or say that no statement allows', () => {
  const set = policies(
    ['client', guidePolicy],
    ['guard', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: '*' }, { Sid: 'NoDeletes', Effect: 'Deny', Action: 'kafka-cluster:DeleteTopic', Resource: '*' }] }]
  )
  const userEvents = topicArn(cluster, 'user-events')
  assert.equal(
    explainDecision(set.evaluate({ action: 'kafka-cluster:WriteData', resource: userEvents })),
    `Statement[1] of policy 'client' allows kafka-cluster:WriteData on ${userEvents}`
  )
  assert.equal(
    explainDecision(set.evaluate({ action: 'kafka-cluster:DeleteTopic', resource: userEvents })),
    `statement 'NoDeletes' (Statement[1]) of policy 'guard' denies kafka-cluster:DeleteTopic on ${userEvents}`
  )
  assert.equal(
    explainDecision(set.evaluate({ action: 'kafka-cluster:WriteData', resource: topicArn(otherCluster, 'user-events') })),
    'no statement allows kafka-cluster:WriteData on arn:aws:kafka:us-east-1:123456789:topic/other-kafka/813876e5-2023-4882-88c4-58ad8599da5a-s2/user-events'
  )
})

test('compiled policies and policy sets are immutable and reusable across requests', () => {
  const policy = compilePolicy('client', guidePolicy)
  assert.ok(Object.isFrozen(policy) && Object.isFrozen(policy.statements))
  const set = new PolicySet([policy])
  assert.ok(Object.isFrozen(set) && Object.isFrozen(set.policies))
  assert.throws(() => { (set.policies as CompiledPolicyList).push(policy) }, TypeError)
  for (let round = 0; round < 3; round++) {
    assert.ok(isAllowed(set, 'kafka-cluster:ReadData', topicArn(cluster, `t${round}`)))
    assert.equal(isAllowed(set, 'kafka-cluster:ReadData', topicArn(otherCluster, `t${round}`)), false)
  }
})

type CompiledPolicyList = Array<ReturnType<typeof compilePolicy>>
