// MSK IAM OAUTHBEARER tokens: the spec's worked example, tokens minted by the real JS signer
// (aws-msk-iam-sasl-signer-js), and every way one can be tampered with or go stale.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { decodeMskIamToken, MAX_MSK_IAM_TOKEN_LENGTH, verifyMskIamToken } from './msk-iam-token.ts'
import type { SigV4Verification } from './verification.ts'
import {
  ACCESS_KEY_ID,
  exampleLookup,
  fixedClock,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  TEMPORARY_ACCESS_KEY_ID,
  type TestPrincipal
} from '../../../test/helpers/sigv4-credentials.ts'

const SPEC_TOKEN = 'aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlVzZXItQWdlbnQ9YXdzLW1zay1pYW0tc2FzbC1zaWduZXItanMlMkYxLjAuMyZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFLSUFJT1NGT0ROTjdFWEFNUExFJTJGMjAyNTAxMTUlMkZ1cy1lYXN0LTElMkZrYWZrYS1jbHVzdGVyJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNTAxMTVUMTIwMDAwWiZYLUFtei1FeHBpcmVzPTkwMCZYLUFtei1TaWduYXR1cmU9ZDA3M2QwNGE5NjljNTQzMWYwNGU5Y2VmY2ZjZjcyMDU3ZmUwNzJhNDA0NzFkNTcyMzk2YWJmZDNjM2NmZDUzNCZYLUFtei1TaWduZWRIZWFkZXJzPWhvc3Q'
const SPEC_TEMPORARY_URL = 'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&User-Agent=aws-msk-iam-sasl-signer-js%2F1.0.3&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20250115%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20250115T120000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Babc%3D%3D&X-Amz-Signature=a7f6484dd06b6d37f19825941c981832a97009f1b66c0ea6c2f04bbf77ec1959&X-Amz-SignedHeaders=host'
const SPEC_SIGNED_AT_MS = Date.UTC(2025, 0, 15, 12, 0, 0)
const SPEC_OPTIONS = { region: 'us-east-1', lookup: exampleLookup(), clock: fixedClock(SPEC_SIGNED_AT_MS + 60_000) }

const urlOf = (token: string): string => Buffer.from(token, 'base64url').toString('utf8')
const tokenOf = (url: string): string => Buffer.from(url, 'utf8').toString('base64url')
/** Rewrites the URL inside a token; fails the test if the pattern is not there. */
function tamper (token: string, pattern: RegExp, replacement: string): string {
  const url = urlOf(token)
  assert.match(url, pattern)
  return tokenOf(url.replace(pattern, replacement))
}

function assertRefused (result: SigV4Verification<TestPrincipal>, reason: string): void {
  assert.equal(result.ok, false, `expected a refusal (${reason})`)
  if (!result.ok) assert.equal(result.reason, reason, result.message)
}

async function mint (options: { region?: string, accessKeyId?: string, sessionToken?: string, expiration?: Date } = {}): Promise<{ token: string, expiryTime: number }> {
  return await generateAuthTokenFromCredentialsProvider({
    region: options.region ?? 'us-east-1',
    awsCredentialsProvider: async () => ({
      accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken: options.sessionToken,
      expiration: options.expiration
    })
  })
}

test('spec 2.2: the worked-example token verifies, with the principal and the 15-minute expiry', async () => {
  assert.equal(SPEC_TOKEN.length, 523)
  const result = await verifyMskIamToken(SPEC_TOKEN, SPEC_OPTIONS)
  assert.deepEqual(result, {
    ok: true,
    accessKeyId: ACCESS_KEY_ID,
    principal: { user: 'alice' },
    region: 'us-east-1',
    service: 'kafka-cluster',
    signedAtMs: SPEC_SIGNED_AT_MS,
    expiresAtMs: 1736943300000
  })
})

test('spec 2.2: the temporary-credential token verifies, padded or not', async () => {
  const token = tokenOf(SPEC_TEMPORARY_URL)
  const result = await verifyMskIamToken(token, SPEC_OPTIONS)
  assert.equal(result.ok, true)
  if (result.ok) assert.deepEqual(result.principal, { user: 'bob' })
  const padded = Buffer.from(SPEC_TEMPORARY_URL, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
  assert.match(padded, /=$/)
  assert.equal((await verifyMskIamToken(padded, SPEC_OPTIONS)).ok, true)
})

test('spec 2.1: the Python signer order (unsorted, User-Agent last) verifies with the same signature', async () => {
  const url = 'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250115%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20250115T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=d073d04a969c5431f04e9cefcfcf72057fe072a40471d572396abfd3c3cfd534&User-Agent=aws-msk-iam-sasl-signer-python%2F1.0.2'
  assert.equal((await verifyMskIamToken(tokenOf(url).replace(/=+$/, ''), SPEC_OPTIONS)).ok, true)
})

test('a token from the real JS signer verifies; its expiry matches the signer\'s expiryTime', async () => {
  const { token, expiryTime } = await mint()
  const result = await verifyMskIamToken(token, { region: 'us-east-1', lookup: exampleLookup() })
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (!result.ok) return
  assert.equal(result.accessKeyId, ACCESS_KEY_ID)
  assert.deepEqual(result.principal, { user: 'alice' })
  assert.equal(result.expiresAtMs, expiryTime)
  assert.equal(expiryTime - result.signedAtMs, 900_000)
})

test('a signer token with one character changed anywhere signed is refused as a bad signature', async () => {
  const { token } = await mint()
  const options = { region: 'us-east-1', lookup: exampleLookup() }
  const flipLast = (hex: string): string => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0')
  const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(urlOf(token))?.[1] ?? ''
  const cases: Array<[string, string]> = [
    ['signature', tamper(token, /X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${flipLast(signature)}`)],
    ['host', tamper(token, /^https:\/\/kafka\./, 'https://kafkb.')],
    ['host port', tamper(token, /amazonaws\.com\//, 'amazonaws.com:443/')],
    ['date', tamper(token, /(X-Amz-Date=\d{8}T\d{5})(\d)/, '$1' + (urlOf(token).match(/X-Amz-Date=\d{8}T\d{5}(\d)/)?.[1] === '0' ? '1' : '0'))],
    ['expiry', tamper(token, /X-Amz-Expires=900/, 'X-Amz-Expires=901')],
    ['extra signed parameter', tamper(token, /\?/, '?Extra=1&')]
  ]
  for (const [what, tampered] of cases) {
    const result = await verifyMskIamToken(tampered, options)
    assert.equal(result.ok, false, `tampered ${what} was accepted`)
    if (!result.ok) assert.equal(result.reason, 'bad-signature', `${what}: ${result.message}`)
  }
  // The User-Agent parameter is added after signing, so changing it is harmless.
  assert.equal((await verifyMskIamToken(tamper(token, /User-Agent=[^&]*/, 'User-Agent=other%2F9'), options)).ok, true)
})

test('refusal messages never carry the full signature or the secret', async () => {
  const { token } = await mint()
  const tampered = tamper(token, /X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=f')
  const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(urlOf(tampered))?.[1] ?? ''
  const result = await verifyMskIamToken(tampered, { region: 'us-east-1', lookup: exampleLookup() })
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.equal(result.message.includes(signature), false)
  assert.equal(result.message.includes(SECRET_ACCESS_KEY), false)
})

test('a signer token is expired after its 15 minutes and not yet valid beyond the 5-minute skew', async () => {
  const { token } = await mint()
  const now = Date.now()
  const verifyAt = async (nowMs: number): Promise<SigV4Verification<TestPrincipal>> =>
    await verifyMskIamToken(token, { region: 'us-east-1', lookup: exampleLookup(), clock: fixedClock(nowMs) })
  assertRefused(await verifyAt(now + 16 * 60_000), 'expired')
  assertRefused(await verifyAt(now - 6 * 60_000), 'not-yet-valid')
  assert.equal((await verifyAt(now - 4 * 60_000)).ok, true)
  assert.equal((await verifyAt(now + 14 * 60_000)).ok, true)
})

test('a token signed for another region, service or action is refused with that reason', async () => {
  const { token } = await mint({ region: 'eu-west-1' })
  assertRefused(await verifyMskIamToken(token, { region: 'us-east-1', lookup: exampleLookup() }), 'wrong-region')
  assert.equal((await verifyMskIamToken(token, { region: 'eu-west-1', lookup: exampleLookup() })).ok, true)
  assertRefused(await verifyMskIamToken(tamper(SPEC_TOKEN, /%2Fkafka-cluster%2F/, '%2Fkafka%2F'), SPEC_OPTIONS), 'wrong-service')
  assertRefused(await verifyMskIamToken(tamper(SPEC_TOKEN, /Action=kafka-cluster%3AConnect/, 'Action=kafka-cluster%3AWriteData'), SPEC_OPTIONS), 'wrong-action')
})

test('an unknown access key or a wrong secret is refused', async () => {
  const { token } = await mint({ accessKeyId: 'AKIAUNKNOWNEXAMPLE00' })
  assertRefused(await verifyMskIamToken(token, { region: 'us-east-1', lookup: exampleLookup() }), 'unknown-key')
  const otherSecret = exampleLookup({ [ACCESS_KEY_ID]: { secretAccessKey: 'another-secret', principal: { user: 'alice' } } })
  const { token: good } = await mint()
  assertRefused(await verifyMskIamToken(good, { region: 'us-east-1', lookup: otherSecret }), 'bad-signature')
})

test('temporary credentials: the session token must be the key\'s own, and present', async () => {
  const options = { region: 'us-east-1', lookup: exampleLookup() }
  const { token } = await mint({ accessKeyId: TEMPORARY_ACCESS_KEY_ID, sessionToken: SESSION_TOKEN })
  assert.equal(urlOf(token).includes('X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Babc%3D%3D'), true)
  assert.equal((await verifyMskIamToken(token, options)).ok, true)

  // Signed with a token the key does not have.
  const { token: otherToken } = await mint({ accessKeyId: TEMPORARY_ACCESS_KEY_ID, sessionToken: 'IQoJOTHERTOKEN' })
  assertRefused(await verifyMskIamToken(otherToken, options), 'bad-session-token')
  // Signed without one for a temporary key.
  const { token: noToken } = await mint({ accessKeyId: TEMPORARY_ACCESS_KEY_ID })
  assertRefused(await verifyMskIamToken(noToken, options), 'bad-session-token')
  // Signed with one for a long-term key.
  const { token: longTermWithToken } = await mint({ sessionToken: SESSION_TOKEN })
  assertRefused(await verifyMskIamToken(longTermWithToken, options), 'bad-session-token')
  // The session token is signed: swapping it after signing breaks the signature.
  assertRefused(await verifyMskIamToken(tamper(token, /X-Amz-Security-Token=[^&]*/, 'X-Amz-Security-Token=IQoJOTHERTOKEN'), options), 'bad-signature')
  // Removing it too.
  assertRefused(await verifyMskIamToken(tamper(token, /&X-Amz-Security-Token=[^&]*/, ''), options), 'bad-signature')
})

test('temporary credentials: the token lives no longer than they do, and not at all once they expired', async () => {
  const credentialExpiresAtMs = Date.now() + 5 * 60_000 + 123
  const { token, expiryTime } = await mint({ accessKeyId: TEMPORARY_ACCESS_KEY_ID, sessionToken: SESSION_TOKEN, expiration: new Date(credentialExpiresAtMs) })
  // The JS signer shortens X-Amz-Expires to the credentials' remaining life, unrounded.
  assert.match(urlOf(token), /X-Amz-Expires=(29\d|300)\.\d+&/)
  const lookup = exampleLookup({
    [TEMPORARY_ACCESS_KEY_ID]: { secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiresAtMs: credentialExpiresAtMs, principal: { user: 'bob' } }
  })
  const result = await verifyMskIamToken(token, { region: 'us-east-1', lookup })
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (result.ok) {
    assert.equal(result.expiresAtMs <= credentialExpiresAtMs, true)
    assert.equal(Math.abs(result.expiresAtMs - expiryTime) <= 1, true)
  }

  const { token: full } = await mint({ accessKeyId: TEMPORARY_ACCESS_KEY_ID, sessionToken: SESSION_TOKEN })
  const expired = exampleLookup({
    [TEMPORARY_ACCESS_KEY_ID]: { secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiresAtMs: Date.now() - 1000, principal: { user: 'bob' } }
  })
  assertRefused(await verifyMskIamToken(full, { region: 'us-east-1', lookup: expired }), 'credentials-expired')
  const later = exampleLookup({
    [TEMPORARY_ACCESS_KEY_ID]: { secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiresAtMs: Date.now() + 60_000, principal: { user: 'bob' } }
  })
  const limited = await verifyMskIamToken(full, { region: 'us-east-1', lookup: later })
  assert.equal(limited.ok, true)
  if (limited.ok) assert.equal(limited.expiresAtMs < limited.signedAtMs + 900_000, true)
})

test('malformed tokens are refused as malformed, naming the problem', async () => {
  const url = urlOf(SPEC_TOKEN)
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /base64url/],
    ['not base64url', 'abc+/def', /base64url/],
    ['too long', 'A'.repeat(MAX_MSK_IAM_TOKEN_LENGTH + 1), /longer than/],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x41]).toString('base64url'), /UTF-8/],
    ['http', tokenOf(url.replace('https://', 'http://')), /https URL/],
    ['no query', tokenOf('https://kafka.us-east-1.amazonaws.com/'), /https URL/],
    ['other path', tokenOf(url.replace('.com/?', '.com/x?')), /https URL/],
    ['fragment', tokenOf(`${url}#x`), /https URL/],
    ['user info', tokenOf(url.replace('https://', 'https://me@')), /invalid host/],
    ['bad percent-encoding', tokenOf(url.replace('%3A', '%zz')), /percent-encoding/],
    ['duplicate parameter', tokenOf(`${url}&X-Amz-Expires=900`), /repeats/],
    ['no signature', tokenOf(url.replace(/&X-Amz-Signature=[0-9a-f]+/, '')), /X-Amz-Signature is missing/],
    ['upper-case signature', tokenOf(url.replace(/X-Amz-Signature=d073/, 'X-Amz-Signature=D073')), /64 lower-case hex/],
    ['no credential', tokenOf(url.replace(/&X-Amz-Credential=[^&]+/, '')), /X-Amz-Credential is missing/],
    ['other algorithm', tokenOf(url.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), /X-Amz-Algorithm/],
    ['other signed headers', tokenOf(url.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=host%3Bx-amz-date')), /SignedHeaders/],
    ['bad date', tokenOf(url.replace('X-Amz-Date=20250115T120000Z', 'X-Amz-Date=20250115T120000')), /X-Amz-Date/],
    ['scope date differs', tokenOf(url.replace('%2F20250115%2F', '%2F20250116%2F')), /day/],
    ['expires not a number', tokenOf(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=9e2')), /X-Amz-Expires/],
    ['expires zero', tokenOf(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=0')), /X-Amz-Expires/],
    ['expires over 7 days', tokenOf(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801')), /X-Amz-Expires/]
  ]
  for (const [what, token, message] of cases) {
    const result = await verifyMskIamToken(token, SPEC_OPTIONS)
    assert.equal(result.ok, false, `${what} was accepted`)
    if (result.ok) continue
    assert.equal(result.reason, 'malformed', `${what}: ${result.reason} ${result.message}`)
    assert.match(result.message, message, what)
  }
})

test('decoding keeps + literal and the host as written, port included', () => {
  const decoded = decodeMskIamToken(tokenOf('https://Kafka.example:9443/?a=x+y%2Bz&b='))
  assert.equal(decoded.ok, true)
  if (!decoded.ok) return
  assert.equal(decoded.token.host, 'Kafka.example:9443')
  assert.deepEqual([...decoded.token.parameters], [['a', 'x+y+z'], ['b', '']])
})
