import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ServiceError } from '../../common/errors.ts'
import { POLICY_SIZE_LIMITS, parsePolicyDocument, policySizeChars } from './policy-document.ts'

function malformed (document: unknown, message: string | RegExp): void {
  const text = typeof document === 'string' ? document : JSON.stringify(document)
  assert.throws(() => parsePolicyDocument(text), (error: unknown) => {
    assert.ok(error instanceof ServiceError)
    assert.equal(error.code, 'IAM_POLICY_MALFORMED')
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    return true
  })
}

const allow = { Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: '*' }

test('parses string-or-array forms, a single Statement object, Sid and Condition into normalized data', () => {
  const document = parsePolicyDocument(JSON.stringify({
    Version: '2012-10-17',
    Id: 'client',
    Statement: { Sid: 'Read1', Effect: 'Deny', NotAction: 'kafka-cluster:Delete*', NotResource: ['arn:aws:kafka:us-east-1:1:topic/c/*'], Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 'x:n': [1, '2'] } } }
  }))
  assert.deepEqual(document, {
    version: '2012-10-17',
    id: 'client',
    statements: [{
      sid: 'Read1',
      effect: 'Deny',
      action: undefined,
      notAction: ['kafka-cluster:Delete*'],
      resource: undefined,
      notResource: ['arn:aws:kafka:us-east-1:1:topic/c/*'],
      condition: [
        { operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] },
        { operator: 'NumericLessThan', key: 'x:n', values: ['1', '2'] }
      ]
    }]
  })
  assert.equal(parsePolicyDocument(JSON.stringify({ Statement: [allow] })).version, '2008-10-17', 'no Version means 2008-10-17, as in IAM')
  assert.equal(parsePolicyDocument(JSON.stringify({ Version: '2008-10-17', Statement: [allow] })).statements.length, 1)
})

test('malformed documents name the problem and its place', () => {
  malformed('{"Version": "2012-10-17", "Statement": [', /^Syntax errors in policy: /)
  malformed([allow], 'Syntax errors in policy: the document must be a JSON object')
  malformed({ Version: '2012-10-17' }, 'Missing required field Statement')
  malformed({ Version: '2012-10-18', Statement: allow }, 'Version: The policy must contain a valid version string (2012-10-17 or 2008-10-17), not "2012-10-18"')
  malformed({ Version: '2012-10-17', Statement: [] }, 'Statement: must contain at least one statement')
  malformed({ Version: '2012-10-17', Statment: [allow] }, "Syntax errors in policy: unknown element 'Statment'")
  malformed({ Statement: [allow, { ...allow, Effect: 'allow' }] }, 'Statement[1]: Effect must be Allow or Deny, not "allow"')
  malformed({ Statement: [allow, { Action: '*', Resource: '*' }] }, 'Statement[1]: Effect must be Allow or Deny (it is missing)')
  malformed({ Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'Statement[0]: Policy statement must contain actions (Action or NotAction)')
  malformed({ Statement: [{ Effect: 'Allow', Action: '*' }] }, 'Statement[0]: Policy statement must contain resources (Resource or NotResource)')
  malformed({ Statement: [{ ...allow, NotAction: 'kafka-cluster:ReadData' }] }, 'Statement[0]: a statement cannot contain both Action and NotAction')
  malformed({ Statement: [{ ...allow, NotResource: '*' }] }, 'Statement[0]: a statement cannot contain both Resource and NotResource')
  malformed({ Statement: [{ ...allow, Principal: { AWS: '*' } }] }, /^Statement\[0\]: Policy document should not specify a principal/)
  malformed({ Statement: [{ ...allow, Effects: 'Allow' }] }, "Statement[0]: Syntax errors in policy: unknown element 'Effects'")
  malformed({ Statement: [{ ...allow, Action: [] }] }, 'Statement[0].Action: must not be empty')
  malformed({ Statement: [{ ...allow, Action: ['kafka-cluster:Connect', 7] }] }, 'Statement[0].Action[1]: must be a non-empty string, not 7')
  malformed({ Statement: [{ ...allow, Action: 'Connect' }] }, "Statement[0].Action[0]: Actions must be prefaced by a vendor, e.g. kafka-cluster:WriteData, not 'Connect'")
  malformed({ Statement: [{ ...allow, Resource: ['*', 'topic/c/*'] }] }, 'Statement[0].Resource[1]: Resource topic/c/* must be in ARN format or "*"')
  malformed({ Statement: [{ ...allow, Resource: 'arn:aws:kafka:us-east-1:*' }] }, 'Statement[0].Resource[0]: Resource arn:aws:kafka:us-east-1:* must be in ARN format or "*"')
  malformed({ Statement: [{ ...allow, Sid: 'read-data' }] }, 'Statement[0]: Statement IDs (SID) must be alpha-numeric, not "read-data"')
  malformed({ Statement: [{ ...allow, Sid: 'A' }, { ...allow, Sid: 'A' }] }, "Statement[1]: Statement IDs (SID) in a single policy must be unique ('A')")
  malformed({ Statement: [allow, { ...allow, Condition: { StringEqualz: { 'aws:username': 'a' } } }] }, 'Statement[1].Condition: Invalid Condition type : StringEqualz')
  malformed({ Statement: [{ ...allow, Condition: { NullIfExists: { 'aws:username': 'true' } } }] }, /^Statement\[0\]\.Condition: Invalid Condition type : NullIfExists/)
  malformed({ Statement: [{ ...allow, Condition: { StringEquals: {} } }] }, 'Statement[0].Condition.StringEquals: must be an object of condition keys and values')
  malformed({ Statement: [{ ...allow, Condition: { StringEquals: { username: 'a' } } }] }, 'Statement[0].Condition.StringEquals.username: Conditions must be prefaced by a vendor, e.g. aws:SourceIp')
  malformed({ Statement: [{ ...allow, Condition: { StringEquals: { 'aws:username': [] } } }] }, 'Statement[0].Condition.StringEquals.aws:username: must have at least one value')
  malformed({ Statement: [{ ...allow, Condition: { StringEquals: { 'aws:username': [{ a: 1 }] } } }] }, 'Statement[0].Condition.StringEquals.aws:username[0]: a condition value must be a string, number or boolean, not {"a":1}')
  malformed({ Statement: [{ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }] }, "Statement[0].Condition.DateLessThan.aws:CurrentTime[0]: 'tomorrow' is not a date (ISO 8601 or epoch seconds) (DateLessThan)")
  malformed({ Statement: [{ ...allow, Condition: { NumericEquals: { 'x:n': 'ten' } } }] }, "Statement[0].Condition.NumericEquals.x:n[0]: 'ten' is not a number (NumericEquals)")
  malformed({ Statement: [{ ...allow, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }] }, "Statement[0].Condition.IpAddress.aws:SourceIp[0]: '10.0.0.0/33' is not an IP address or CIDR block (IpAddress)")
  malformed({ Statement: [{ ...allow, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }] }, "Statement[0].Condition.Bool.aws:SecureTransport[0]: 'yes' is not true or false (Bool)")
})

test('size limits count characters without white space, as IAM does (6144 for managed policies by default)', () => {
  const statement = JSON.stringify({ ...allow, Resource: 'arn:aws:kafka:us-east-1:123456789012:topic/c/u/' + 'x'.repeat(40) })
  const build = (count: number) => JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: count }, () => JSON.parse(statement) as object) }, null, 4)
  let count = 1
  while (policySizeChars(build(count + 1)) <= POLICY_SIZE_LIMITS.managedPolicy) count++
  const fits = build(count)
  assert.ok(fits.length > POLICY_SIZE_LIMITS.managedPolicy, 'the indented text is longer than the quota, its characters are not')
  assert.equal(parsePolicyDocument(fits).statements.length, count)
  assert.throws(() => parsePolicyDocument(build(count + 1)), { code: 'IAM_POLICY_TOO_LARGE', message: 'Cannot exceed quota for PolicySize: 6144' })
  assert.equal(parsePolicyDocument(build(count + 1), { maxChars: POLICY_SIZE_LIMITS.roleInlinePolicies }).statements.length, count + 1)
  assert.throws(() => parsePolicyDocument(' '.repeat(200_000) + '{}'), { code: 'IAM_POLICY_TOO_LARGE' }, 'huge inputs are refused before parsing')
  assert.equal(policySizeChars(' {\n\t"a" : 1 }\r\n'), 7)
})
