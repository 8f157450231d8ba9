import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import { compilePolicy } from '../security/iam/compiled-policy.ts'
import { PolicySet } from '../security/iam/policy-evaluator.ts'
import { aclOperationNames } from '../security/iam/kafka-acl-operations.ts'
import { RequestAccess } from './request-access.ts'
import { ConnectionSession } from './session.ts'

const CLUSTER = { region: 'us-east-1', accountId: '123456789012', clusterName: 'c', clusterUuid: 'uuid-1' }
const PREFIX = 'arn:aws:kafka:us-east-1:123456789012'
const PRINCIPAL = 'arn:aws:iam::123456789012:user/alice'

function accessFor (apiKey: number, statements: unknown[], requiresSasl = true) {
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'info' }, { write: (text: string) => { lines.push(JSON.parse(text) as Record<string, unknown>) } })
  const session = new ConnectionSession(requiresSasl)
  session.principal = { accountId: '123456789012', arn: PRINCIPAL, userId: 'AIDA1', name: 'alice', kind: 'user' }
  const policies = statements.length === 0 ? [] : [compilePolicy('p', JSON.stringify({ Version: '2012-10-17', Statement: statements }))]
  session.usePolicies(new PolicySet(policies), 1)
  return { access: new RequestAccess(apiKey, session, CLUSTER, logger), lines, session }
}

const OFFSET_COMMIT = 8
const INIT_PRODUCER_ID = 22
const ADD_OFFSETS_TO_TXN = 25

describe('RequestAccess', () => {
  it('applies the API\'s check and answers its error code', () => {
    const { access } = accessFor(OFFSET_COMMIT, [{ Effect: 'Allow', Action: 'kafka-cluster:AlterGroup', Resource: `${PREFIX}:group/c/*/app-*` }])
    assert.equal(access.errorFor('group', 'app-1'), ErrorCode.NONE)
    assert.equal(access.errorFor('group', 'other'), ErrorCode.GROUP_AUTHORIZATION_FAILED)
    assert.equal(access.errorFor('topic', 'orders'), ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    assert.throws(() => access.requireAllowed('topic', 'orders'),
      (error: unknown) => error instanceof KafkaError && error.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED && error.message === 'Topic authorization failed.')
  })

  it('logs every denial with principal, action and resource, a cached one too, but not quiet ones', () => {
    const { access, lines, session } = accessFor(OFFSET_COMMIT, [])
    access.allows('topic', 'orders')
    access.allows('topic', 'orders')
    access.allows('topic', 'orders', 'main', true)
    assert.equal(session.decisions.size, 1)
    assert.equal(lines.length, 2)
    assert.deepEqual([lines[0]?.principal, lines[0]?.action, lines[0]?.resource, lines[0]?.api],
      [PRINCIPAL, 'kafka-cluster:ReadData', `${PREFIX}:topic/c/uuid-1/orders`, 'OffsetCommit'])
    assert.match(String(lines[0]?.msg), /^denied: no statement allows kafka-cluster:ReadData on /)
  })

  it('firstError stops at the first failed check', () => {
    const { access, lines } = accessFor(ADD_OFFSETS_TO_TXN, [])
    assert.equal(access.firstError(['transactional-id', 't'], ['group', 'g']), ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    assert.equal(lines.length, 1, 'the group was not checked')
  })

  it('checks the cluster for InitProducerId without a transactional id', () => {
    const { access } = accessFor(INIT_PRODUCER_ID, [{ Effect: 'Allow', Action: 'kafka-cluster:WriteDataIdempotently', Resource: `${PREFIX}:cluster/c/*` }])
    assert.equal(access.errorFor('cluster'), ErrorCode.NONE)
    assert.equal(access.errorFor('transactional-id', 't'), ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  })

  it('computes authorized operations from the policies whatever the API checks, without logging', () => {
    const { access, lines } = accessFor(OFFSET_COMMIT, [
      { Effect: 'Allow', Action: ['kafka-cluster:ReadData', 'kafka-cluster:AlterTopicDynamicConfiguration'], Resource: `${PREFIX}:topic/c/*/orders` }
    ])
    // DESCRIBE and DESCRIBE_CONFIGS by Kafka's implication.
    assert.deepEqual(aclOperationNames(access.authorizedOperations('topic', 'orders')), ['READ', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'])
    assert.equal(access.authorizedOperations('topic', 'payments'), 0)
    assert.equal(lines.length, 0)
  })

  it('enforces nothing on a listener without SASL', () => {
    const { access } = accessFor(OFFSET_COMMIT, [], false)
    assert.equal(access.errorFor('group', 'any'), ErrorCode.NONE)
    assert.deepEqual(aclOperationNames(access.authorizedOperations('group', 'any')), ['READ', 'DELETE', 'DESCRIBE'])
  })
})
