/* eslint-disable no-template-curly-in-string -- IAM policy variables are written ${key} inside plain strings */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WildcardPattern, isLiteralPattern } from './wildcard.ts'

const lookup = (values: Record<string, string[]>) => (key: string) => values[key]

test('* matches any run including none, ? exactly one character, everything else literally', () => {
  const pattern = new WildcardPattern('a*b?c.(d)+')
  assert.ok(pattern.matches('ab-c.(d)+'))
  assert.ok(pattern.matches('a/x/y\nb-c.(d)+'))
  assert.equal(pattern.matches('abc.(d)+'), false)
  assert.equal(pattern.matches('ab-cX(d)+'), false, 'regex characters are literal')
  assert.equal(pattern.matches('ab-c.(d)+x'), false, 'anchored at the end')
})

test('case-insensitive mode for actions; ARN mode keeps wildcards inside components 1-5', () => {
  assert.ok(new WildcardPattern('kafka-cluster:*Topic', { isCaseInsensitive: true }).matches('KAFKA-CLUSTER:createtopic'))
  assert.equal(new WildcardPattern('kafka-cluster:*Topic').matches('kafka-cluster:createtopic'), false)
  const arn = new WildcardPattern('arn:aws:kafka:*:*:topic/*', { isArn: true })
  assert.ok(arn.matches('arn:aws:kafka:us-east-1:1:topic/c/u/t:with:colons'))
  assert.equal(new WildcardPattern('arn:aws:kafka:*:topic/*', { isArn: true }).matches('arn:aws:kafka:us-east-1:1:topic/c'), false)
  assert.ok(new WildcardPattern('arn:aws:kafka:*:topic/*', {}).matches('arn:aws:kafka:us-east-1:1:topic/c'), 'outside ARN mode * spans colons')
})

test('policy variables: resolved, defaulted, escaped, or matching nothing when unresolved', () => {
  const pattern = new WildcardPattern('home/${aws:username}/*', { isVariablesEnabled: true })
  assert.ok(pattern.hasVariables)
  assert.ok(pattern.matches('home/alice/x', lookup({ 'aws:username': ['alice'] })))
  assert.equal(pattern.matches('home/alice/x', lookup({ 'aws:username': ['bob'] })), false)
  assert.equal(pattern.matches('home/alice/x', lookup({})), false)
  assert.equal(pattern.matches('home/alice/x', lookup({ 'aws:username': ['alice', 'bob'] })), false, 'multivalued keys are not substituted')
  assert.ok(new WildcardPattern('home/${aws:username}/*', { isVariablesEnabled: true }).matches('home/*/x', lookup({ 'aws:username': ['*'] })))
  assert.equal(new WildcardPattern('home/${aws:username}/x', { isVariablesEnabled: true }).matches('home/a/x', lookup({ 'aws:username': ['*'] })), false, 'a substituted * is literal')
  assert.ok(new WildcardPattern("${aws:username , 'guest'}", { isVariablesEnabled: true }).matches('guest', lookup({})))
  const escapes = new WildcardPattern('${*}${?}${$}', { isVariablesEnabled: true })
  assert.equal(escapes.hasVariables, false)
  assert.ok(escapes.matches('*?$'))
  assert.equal(escapes.matches('a?$'), false)
  assert.equal(escapes.resolve(lookup({})), '*?$')
  assert.ok(new WildcardPattern('${aws:username}').matches('${aws:username}'), 'without variables ${...} is text')
  assert.equal(new WildcardPattern('${unclosed', { isVariablesEnabled: true }).matches('${unclosed'), true)
})

test('isLiteralPattern spots wildcards and variables', () => {
  assert.ok(isLiteralPattern('kafka-cluster:Connect'))
  assert.equal(isLiteralPattern('kafka-cluster:*'), false)
  assert.equal(isLiteralPattern('a?'), false)
  assert.equal(isLiteralPattern('${aws:username}'), false)
})
