// Query-protocol parameters from form bodies: decoding as the AWS CLI and SDKs encode, and the
// bounds and refusals on bad input.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_QUERY_BODY_BYTES, MAX_QUERY_PARAMETERS, parseFormParameters } from './form-body.ts'
import { QueryError } from './query-errors.ts'
import { QueryParams } from './query-params.ts'

function refused (pattern: RegExp): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof QueryError, String(error))
    assert.equal(error.code, 'MalformedQueryString')
    assert.match(error.message, pattern)
    return true
  }
}

test('decodes +, percent-encoded UTF-8 and empty values; member lists come back in order', () => {
  const body = 'Action=CreatePolicy&Version=2010-05-08&Description=a+b%20c%E2%82%AC&Empty=&Flag&' +
    'PolicyArns.member.1=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fa&PolicyArns.member.2=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fb&PolicyArns.member.4=skipped'
  const values = parseFormParameters(Buffer.from(body))
  assert.equal(values.get('Description'), 'a b c€')
  assert.equal(values.get('Empty'), '')
  assert.equal(values.get('Flag'), '')
  const params = new QueryParams(values)
  assert.equal(params.action, 'CreatePolicy')
  assert.deepEqual(params.list('PolicyArns'), ['arn:aws:iam::1:policy/a', 'arn:aws:iam::1:policy/b'])
  assert.equal(params.has('PolicyArns'), true)
  assert.equal(params.has('Policy'), false)
})

test('refuses bad percent-encoding, repeated names, too many parameters and oversized bodies', () => {
  assert.throws(() => parseFormParameters('Action=%E2%82'), refused(/percent-encoding/))
  assert.throws(() => parseFormParameters('Action=%zz'), refused(/percent-encoding/))
  assert.throws(() => parseFormParameters('A=1&A=2'), refused(/A appears more than once/))
  const many = Array.from({ length: MAX_QUERY_PARAMETERS + 1 }, (_, index) => `p${index}=1`).join('&')
  assert.throws(() => parseFormParameters(many), refused(/more than 1000 parameters/))
  assert.throws(() => parseFormParameters(Buffer.alloc(MAX_QUERY_BODY_BYTES + 1, 0x61)), refused(/more than the 262144 allowed/))
})

test('integers and booleans are checked against their ranges', () => {
  const params = new QueryParams(new Map([['MaxItems', '5'], ['Big', '5000'], ['Frac', '1.5'], ['Yes', 'true'], ['Maybe', 'yes']]))
  assert.equal(params.integer('MaxItems', 1, 1000), 5)
  assert.equal(params.integer('Absent', 1, 1000), undefined)
  assert.throws(() => params.integer('Big', 1, 1000), /'big' failed to satisfy constraint/)
  assert.throws(() => params.integer('Frac', 1, 1000), /whole number/)
  assert.equal(params.boolean('Yes'), true)
  assert.throws(() => params.boolean('Maybe'), /must be true or false/)
})
