/* eslint-disable no-template-curly-in-string -- IAM policy variables are written ${key} inside plain strings */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterArn, topicArn } from './arn.ts'
import { compilePolicy } from './compiled-policy.ts'
import { PolicySet } from './policy-evaluator.ts'
import { RequestContext, type RequestContextInput } from './request-context.ts'

const cluster = { region: 'us-east-1', accountId: '123456789012', clusterName: 'c1', clusterUuid: 'u1-s1' }
const topic = topicArn(cluster, 'orders')

/** Whether an Allow of everything under the given Condition grants a request with this context. */
function holds (condition: object, context: RequestContextInput, options: { resource?: string, resourceType?: 'cluster' | 'topic' } = {}): boolean {
  const set = new PolicySet([compilePolicy('p', JSON.stringify({
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }
  }))])
  return set.evaluate({ action: 'kafka-cluster:ReadData', resource: options.resource ?? topic, context: new RequestContext(context), resourceType: options.resourceType }).isAllowed
}

test('StringEquals / StringNotEquals: exact and case-sensitive; values OR-ed; absent key false / true', () => {
  const equals = { StringEquals: { 'aws:username': ['alice', 'bob'] } }
  assert.ok(holds(equals, { username: 'bob' }))
  assert.equal(holds(equals, { username: 'Bob' }), false)
  assert.equal(holds(equals, { username: 'carol' }), false)
  assert.equal(holds(equals, {}), false)
  const notEquals = { StringNotEquals: { 'aws:username': ['alice', 'bob'] } }
  assert.ok(holds(notEquals, { username: 'carol' }))
  assert.equal(holds(notEquals, { username: 'alice' }), false, 'matches none of the values, not "differs from one"')
  assert.ok(holds(notEquals, {}), 'a negated operator holds when the key is absent')
  assert.ok(holds({ StringEquals: { 'AWS:UserName': 'alice' } }, { username: 'alice' }), 'condition keys are case-insensitive')
})

test('StringEqualsIgnoreCase / StringNotEqualsIgnoreCase fold case', () => {
  assert.ok(holds({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { username: 'alice' }))
  assert.equal(holds({ StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { username: 'Alice' }), false)
  assert.ok(holds({ StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { username: 'bob' }))
})

test('StringLike / StringNotLike use * and ?, case-sensitive; policy variables resolve in values', () => {
  const like = { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/team-?/*' } }
  assert.ok(holds(like, { principalArn: 'arn:aws:iam::123456789012:user/team-a/alice' }))
  assert.equal(holds(like, { principalArn: 'arn:aws:iam::123456789012:user/team-ab/alice' }), false)
  assert.equal(holds(like, { principalArn: 'arn:aws:iam::123456789012:user/TEAM-a/alice' }), false)
  assert.equal(holds(like, {}), false)
  assert.ok(holds({ StringNotLike: { 'aws:username': 'svc-*' } }, { username: 'alice' }))
  assert.equal(holds({ StringNotLike: { 'aws:username': 'svc-*' } }, { username: 'svc-1' }), false)
  assert.ok(holds({ StringNotLike: { 'aws:username': 'svc-*' } }, {}))
  assert.ok(holds({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/${aws:username}' } }, { username: 'alice', principalArn: 'arn:aws:iam::123456789012:user/alice' }))
  assert.equal(holds({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/${aws:username}' } }, { username: 'bob', principalArn: 'arn:aws:iam::123456789012:user/alice' }), false)
})

test('ArnEquals / ArnLike / ArnNotEquals / ArnNotLike match ARNs per component', () => {
  const principalArn = 'arn:aws:iam::123456789012:role/app/worker'
  assert.ok(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app/*' } }, { principalArn }))
  assert.ok(holds({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/app/*' } }, { principalArn }), 'ArnEquals takes wildcards like ArnLike')
  assert.equal(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { principalArn }), false)
  assert.equal(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/app/*' } }, { principalArn }), false, 'the * does not span the account colon')
  assert.ok(holds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { principalArn }))
  assert.equal(holds({ ArnNotEquals: { 'aws:PrincipalArn': principalArn } }, { principalArn }), false)
  assert.equal(holds({ ArnLike: { 'aws:PrincipalArn': '*' } }, {}), false)
  assert.ok(holds({ ArnNotLike: { 'aws:PrincipalArn': '*' } }, {}))
})

test('Bool compares true/false case-insensitively; absent false', () => {
  assert.ok(holds({ Bool: { 'aws:SecureTransport': 'true' } }, { isSecureTransport: true }))
  assert.ok(holds({ Bool: { 'aws:SecureTransport': true } }, { isSecureTransport: true }), 'JSON booleans are accepted')
  assert.equal(holds({ Bool: { 'aws:SecureTransport': 'TRUE' } }, { isSecureTransport: false }), false)
  assert.equal(holds({ Bool: { 'aws:SecureTransport': 'true' } }, {}), false)
  assert.ok(holds({ BoolIfExists: { 'aws:SecureTransport': 'true' } }, {}))
})

test('IpAddress / NotIpAddress take CIDR blocks and single addresses, IPv4 and IPv6, and unmap ::ffff: addresses', () => {
  const inside = { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'] } }
  assert.ok(holds(inside, { sourceIp: '10.20.30.40' }))
  assert.ok(holds(inside, { sourceIp: '192.168.1.7' }))
  assert.equal(holds(inside, { sourceIp: '192.168.1.8' }), false)
  assert.ok(holds(inside, { sourceIp: '2001:db8:1::5' }))
  assert.equal(holds(inside, { sourceIp: '2001:db9::5' }), false)
  assert.ok(holds(inside, { sourceIp: '::ffff:10.1.2.3' }), 'a dual-stack socket reports IPv4 clients this way')
  assert.equal(holds(inside, { sourceIp: 'not-an-ip' }), false)
  assert.equal(holds(inside, {}), false)
  const outside = { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }
  assert.ok(holds(outside, { sourceIp: '172.16.0.1' }))
  assert.equal(holds(outside, { sourceIp: '10.0.0.1' }), false)
  assert.ok(holds(outside, {}), 'a negated operator holds when the key is absent')
})

test('Date operators compare aws:CurrentTime with ISO 8601 or epoch-second values', () => {
  const nowMs = Date.parse('2025-01-15T12:00:00Z')
  assert.ok(holds({ DateLessThan: { 'aws:CurrentTime': '2025-02-01T00:00:00Z' } }, { currentTimeMs: nowMs }))
  assert.equal(holds({ DateLessThan: { 'aws:CurrentTime': '2025-01-15T12:00:00Z' } }, { currentTimeMs: nowMs }), false)
  assert.ok(holds({ DateLessThanEquals: { 'aws:CurrentTime': '2025-01-15T12:00:00Z' } }, { currentTimeMs: nowMs }))
  assert.ok(holds({ DateGreaterThan: { 'aws:CurrentTime': '2025-01-15' } }, { currentTimeMs: nowMs }))
  assert.ok(holds({ DateGreaterThanEquals: { 'aws:CurrentTime': String(nowMs / 1000) } }, { currentTimeMs: nowMs }))
  assert.ok(holds({ DateEquals: { 'aws:EpochTime': '2025-01-15T12:00:00Z' } }, { currentTimeMs: nowMs }))
  assert.ok(holds({ DateNotEquals: { 'aws:CurrentTime': '2025-01-15T12:00:01Z' } }, { currentTimeMs: nowMs }))
  assert.equal(holds({ DateGreaterThan: { 'aws:CurrentTime': '2025-01-15' } }, {}), false)
  assert.ok(holds({ DateGreaterThanIfExists: { 'aws:CurrentTime': '2025-01-15' } }, {}))
})

test('Numeric operators compare numbers; a non-numeric request value never matches', () => {
  const extra = (value: string) => ({ extra: { 's3:max-keys': value } })
  assert.ok(holds({ NumericLessThan: { 's3:max-keys': '10' } }, extra('9')))
  assert.equal(holds({ NumericLessThan: { 's3:max-keys': '10' } }, extra('10')), false)
  assert.ok(holds({ NumericLessThanEquals: { 's3:max-keys': 10 } }, extra('10')))
  assert.ok(holds({ NumericGreaterThan: { 's3:max-keys': '2.5' } }, extra('3')))
  assert.ok(holds({ NumericGreaterThanEquals: { 's3:max-keys': '3' } }, extra('3.0')))
  assert.ok(holds({ NumericEquals: { 's3:max-keys': ['1', '2'] } }, extra('2')))
  assert.ok(holds({ NumericNotEquals: { 's3:max-keys': ['1', '2'] } }, extra('3')))
  assert.equal(holds({ NumericNotEquals: { 's3:max-keys': ['1', '2'] } }, extra('1')), false)
  assert.equal(holds({ NumericEquals: { 's3:max-keys': '1' } }, extra('one')), false)
})

test('BinaryEquals compares base64 text', () => {
  assert.ok(holds({ BinaryEquals: { 'skiff:blob': 'QmluYXJ5' } }, { extra: { 'skiff:blob': 'QmluYXJ5' } }))
  assert.equal(holds({ BinaryEquals: { 'skiff:blob': 'QmluYXJ5' } }, { extra: { 'skiff:blob': 'QmluYXJ6' } }), false)
})

test('Null tests presence: true means absent, false means present', () => {
  assert.ok(holds({ Null: { 'aws:SourceIp': 'true' } }, {}))
  assert.equal(holds({ Null: { 'aws:SourceIp': 'true' } }, { sourceIp: '10.0.0.1' }), false)
  assert.ok(holds({ Null: { 'aws:SourceIp': false } }, { sourceIp: '10.0.0.1' }))
  assert.equal(holds({ Null: { 'aws:SourceIp': 'false' } }, {}), false)
  assert.ok(holds({ Null: { 'aws:TagKeys': 'true' } }, { extra: { 'aws:TagKeys': [] } }), 'an empty set counts as absent')
})

test('IfExists holds for an absent key and otherwise applies the operator', () => {
  assert.ok(holds({ StringEqualsIfExists: { 'aws:username': 'alice' } }, {}))
  assert.ok(holds({ StringEqualsIfExists: { 'aws:username': 'alice' } }, { username: 'alice' }))
  assert.equal(holds({ StringEqualsIfExists: { 'aws:username': 'alice' } }, { username: 'bob' }), false)
  assert.ok(holds({ IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, {}))
  assert.equal(holds({ NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, { sourceIp: '10.0.0.1' }), false)
})

test('ForAnyValue / ForAllValues over multivalued keys, with their absent-key results', () => {
  const anyValue = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }
  assert.ok(holds(anyValue, { extra: { 'aws:TagKeys': ['owner', 'team'] } }))
  assert.equal(holds(anyValue, { extra: { 'aws:TagKeys': ['owner'] } }), false)
  assert.equal(holds(anyValue, {}), false, 'ForAnyValue is false for an absent key')
  const allValues = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }
  assert.ok(holds(allValues, { extra: { 'aws:TagKeys': ['env', 'team'] } }))
  assert.equal(holds(allValues, { extra: { 'aws:TagKeys': ['env', 'owner'] } }), false)
  assert.ok(holds(allValues, {}), 'ForAllValues is true for an absent key')
  assert.ok(holds(allValues, { extra: { 'aws:TagKeys': [] } }), 'and for an empty set')
  const noneOf = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'aws:*' } }
  assert.ok(holds(noneOf, { extra: { 'aws:TagKeys': ['env', 'team'] } }))
  assert.equal(holds(noneOf, { extra: { 'aws:TagKeys': ['env', 'aws:x'] } }), false)
  const someNot = { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'env' } }
  assert.ok(holds(someNot, { extra: { 'aws:TagKeys': ['env', 'team'] } }))
  assert.equal(holds(someNot, { extra: { 'aws:TagKeys': ['env'] } }), false)
  assert.ok(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'env' } }, {}), 'IfExists overrides the qualifier for an absent key')
})

test('all clauses of a statement must hold (AND), across operators and keys', () => {
  const condition = { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }
  assert.ok(holds(condition, { username: 'alice', isSecureTransport: true, sourceIp: '10.0.0.1' }))
  assert.equal(holds(condition, { username: 'alice', isSecureTransport: true, sourceIp: '11.0.0.1' }), false)
  assert.equal(holds(condition, { username: 'alice', isSecureTransport: false, sourceIp: '10.0.0.1' }), false)
  assert.equal(holds(condition, { username: 'alice', sourceIp: '10.0.0.1' }), false)
})

test('aws:ResourceTag/<key> is seen on the cluster resource only', () => {
  const condition = { StringEquals: { 'aws:ResourceTag/env': 'dev' } }
  const context = { resourceTags: { env: 'dev' } }
  assert.ok(holds(condition, context, { resource: clusterArn(cluster), resourceType: 'cluster' }))
  assert.equal(holds(condition, context, { resourceType: 'topic' }), false, 'topics carry no resource tags in MSK')
  assert.equal(holds(condition, { resourceTags: { env: 'prod' } }, { resource: clusterArn(cluster), resourceType: 'cluster' }), false)
  assert.ok(holds({ StringEquals: { 'aws:ResourceTag/ENV': 'dev' } }, context, { resource: clusterArn(cluster), resourceType: 'cluster' }), 'tag keys are case-insensitive')
  assert.throws(() => new RequestContext({ extra: { 'aws:ResourceTag/env': 'dev' } }), /give resource tags as resourceTags/)
})
