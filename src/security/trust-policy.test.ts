import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ServiceError } from '../common/errors.ts'
import type { Principal } from './identity.ts'
import { evaluateTrustPolicy, parseTrustPolicy } from './trust-policy.ts'

const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ops/writer`
const alice: Principal = { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: 'AIDAALICE', name: 'alice', kind: 'user' }
const bob: Principal = { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bob`, userId: 'AIDABOB', name: 'bob', kind: 'user' }
const session: Principal = { accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s1`, userId: 'AROAREADER:s1', name: 'reader', kind: 'assumed-role' }

function check (statements: unknown[], caller: Principal) {
  return evaluateTrustPolicy({ trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: statements }), roleArn: ROLE_ARN, caller })
}

test('a trust policy naming the caller allows it and says so; "*" trusts everyone only at account level', () => {
  const named = check([{ Effect: 'Allow', Principal: { AWS: [bob.arn, alice.arn] }, Action: 'sts:AssumeRole' }], alice)
  assert.equal(named.decision.isAllowed, true)
  assert.equal(named.isCallerNamed, true)
  const star = check([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }], alice)
  assert.deepEqual([star.decision.isAllowed, star.isCallerNamed], [true, false])
  const otherAction = check([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:TagSession' }], alice)
  assert.equal(otherAction.decision.isAllowed, false)
})

test('a role ARN in Principal trusts that role\'s sessions (role chaining), whatever the path', () => {
  const result = check([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/team/reader` }, Action: 'sts:AssumeRole' }], session)
  assert.deepEqual([result.decision.isAllowed, result.isCallerNamed], [true, true])
  assert.equal(check([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` }, Action: 'sts:AssumeRole' }], alice).decision.isAllowed, false)
})

test('NotPrincipal, explicit Deny and conditions are honoured', () => {
  const notBob = [{ Effect: 'Allow', NotPrincipal: { AWS: bob.arn }, Action: 'sts:AssumeRole' }]
  assert.equal(check(notBob, alice).decision.isAllowed, true)
  assert.equal(check(notBob, bob).decision.isAllowed, false)
  const deny = check([
    { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
    { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'sts:*' }
  ], bob)
  assert.equal(deny.decision.reason, 'explicit-deny')
  const conditioned = [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'aws:PrincipalArn': '*:user/a*' } } }]
  assert.equal(check(conditioned, alice).decision.isAllowed, true)
  assert.equal(check(conditioned, bob).decision.isAllowed, false)
})

test('trust policies are validated: a Principal is required, Resource is prohibited, principals must be ARNs or account ids', () => {
  const refused = (statement: unknown, pattern: RegExp) => assert.throws(
    () => parseTrustPolicy(JSON.stringify({ Statement: [statement] })),
    (error: unknown) => error instanceof ServiceError && error.code === 'IAM_POLICY_MALFORMED' && pattern.test(error.message)
  )
  refused({ Effect: 'Allow', Action: 'sts:AssumeRole' }, /Statement\[0\]: a trust policy statement needs a Principal/)
  refused({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }, /prohibited field Resource/)
  refused({ Effect: 'Allow', Principal: { AWS: 'alice' }, Action: 'sts:AssumeRole' }, /Statement\[0\]\.Principal\.AWS\[0\]: Invalid principal 'alice'/)
  refused({ Effect: 'Perhaps', Principal: '*', Action: 'sts:AssumeRole' }, /Effect must be Allow or Deny/)
  assert.throws(() => parseTrustPolicy('{'), (error: unknown) => error instanceof ServiceError && error.code === 'IAM_POLICY_MALFORMED')
})
