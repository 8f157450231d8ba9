// SASL/OAUTHBEARER client-first messages as kafkajs 2.2.4 writes them (its own request builder,
// stray authzid quote included) and as RFC 7628 / Kafka's grammar allows, then verified end to end.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import {
  MAX_OAUTHBEARER_MESSAGE_BYTES,
  parseOAuthBearerClientFirst,
  verifyOAuthBearerClientFirst
} from './oauthbearer-client-first.ts'
import { ACCESS_KEY_ID, exampleLookup, SECRET_ACCESS_KEY } from '../../../test/helpers/sigv4-credentials.ts'

type KafkajsOAuthBearerRequest = (
  options: { authorizationIdentity?: string | null },
  token: { value: string, extensions?: Record<string, string> }
) => Promise<{ encode: () => Promise<Buffer> }>

// kafkajs's own OAUTHBEARER message builder (not a public export, so loaded by path).
const kafkajsOAuthBearerRequest = createRequire(import.meta.url)('kafkajs/src/protocol/sasl/oauthBearer/request.js') as KafkajsOAuthBearerRequest

/** The auth_bytes kafkajs puts in SaslAuthenticate: its encoder writes them length-prefixed. */
async function kafkajsAuthBytes (token: string, authorizationIdentity?: string, extensions?: Record<string, string>): Promise<Buffer> {
  const request = await kafkajsOAuthBearerRequest({ authorizationIdentity }, { value: token, extensions })
  const framed = await request.encode()
  assert.equal(framed.readInt32BE(0), framed.length - 4)
  return framed.subarray(4)
}

const SOH = '\x01'

test('kafkajs\'s message for a real signer token parses and verifies (spec 2.4 framing)', async () => {
  const { token } = await generateAuthTokenFromCredentialsProvider({
    region: 'us-east-1',
    awsCredentialsProvider: async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY })
  })
  const bytes = await kafkajsAuthBytes(token)
  assert.equal(bytes.subarray(0, 16).toString('hex'), '6e2c2c01617574683d42656172657220')
  assert.equal(bytes.subarray(-2).toString('hex'), '0101')
  assert.equal(bytes.length, token.length + 18)
  const parsed = parseOAuthBearerClientFirst(bytes)
  assert.equal(parsed.ok, true)
  if (parsed.ok) {
    assert.equal(parsed.message.token, token)
    assert.equal(parsed.message.authorizationId, undefined)
    assert.equal(parsed.message.extensions.size, 0)
  }
  const result = await verifyOAuthBearerClientFirst(bytes, { region: 'us-east-1', lookup: exampleLookup() })
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (result.ok) assert.deepEqual(result.principal, { user: 'alice' })
})

test('kafkajs\'s stray quote before the authzid is tolerated, and its extensions are kept', async () => {
  const bytes = await kafkajsAuthBytes('abc-_.123', 'alice', { traceId: 'abc 1', region: 'us-east-1' })
  assert.equal(bytes.toString('latin1').startsWith(`n,"a=alice,${SOH}auth=Bearer abc-_.123${SOH}`), true)
  const fromKafkajs = parseOAuthBearerClientFirst(bytes)
  assert.equal(fromKafkajs.ok, true)
  if (fromKafkajs.ok) {
    assert.equal(fromKafkajs.message.authorizationId, 'alice')
    assert.deepEqual([...fromKafkajs.message.extensions], [['traceId', 'abc 1'], ['region', 'us-east-1']])
  }
})

test('the RFC 7628 forms parse: authzid with escapes, case-insensitive scheme, padded token', () => {
  const parsed = parseOAuthBearerClientFirst(Buffer.from(`n,a=a=2Cb=3Dc,${SOH}auth=bearer   tok==${SOH}${SOH}`))
  assert.equal(parsed.ok, true)
  if (!parsed.ok) return
  assert.equal(parsed.message.authorizationId, 'a,b=c')
  assert.equal(parsed.message.token, 'tok==')
})

test('malformed client-first messages are refused, naming the problem', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['too long', Buffer.alloc(MAX_OAUTHBEARER_MESSAGE_BYTES + 1, 0x41), /longer than/],
    ['not ASCII', Buffer.from(`n,,${SOH}auth=Bearer é${SOH}${SOH}`), /ASCII/],
    ['NUL byte', Buffer.from(`n,,${SOH}auth=Bearer a\0${SOH}${SOH}`), /ASCII/],
    ['channel binding', Buffer.from(`p=tls-unique,,${SOH}auth=Bearer a${SOH}${SOH}`), /GS2 header/],
    ['unclosed header', Buffer.from('n,'), /not closed/],
    ['unknown header field', Buffer.from(`n,x=1,${SOH}auth=Bearer a${SOH}${SOH}`), /unknown field/],
    ['bad authzid escape', Buffer.from(`n,a=x=41,${SOH}auth=Bearer a${SOH}${SOH}`), /SASL name/],
    ['no final separator', Buffer.from(`n,,${SOH}auth=Bearer a${SOH}`), /framed/],
    ['no separator after header', Buffer.from(`n,,auth=Bearer a${SOH}${SOH}`), /framed/],
    ['no pairs', Buffer.from(`n,,${SOH}${SOH}`), /framed/],
    ['empty pair', Buffer.from(`n,,${SOH}auth=Bearer a${SOH}${SOH}${SOH}`), /key\/value pair/],
    ['no auth', Buffer.from(`n,,${SOH}k=v${SOH}${SOH}`), /no auth/],
    ['repeated auth', Buffer.from(`n,,${SOH}auth=Bearer a${SOH}auth=Bearer b${SOH}${SOH}`), /repeats auth/],
    ['repeated extension', Buffer.from(`n,,${SOH}auth=Bearer a${SOH}k=1${SOH}k=2${SOH}${SOH}`), /repeats the extension/],
    ['other scheme', Buffer.from(`n,,${SOH}auth=Basic a${SOH}${SOH}`), /Bearer/],
    ['token with a space', Buffer.from(`n,,${SOH}auth=Bearer a b${SOH}${SOH}`), /Bearer/],
    ['too many extensions', Buffer.from(`n,,${SOH}auth=Bearer a${SOH}${Array.from({ length: 17 }, (_, i) => `k${'x'.repeat(i)}=1${SOH}`).join('')}${SOH}`), /too many/]
  ]
  for (const [what, bytes, message] of cases) {
    const parsed = parseOAuthBearerClientFirst(bytes)
    assert.equal(parsed.ok, false, `${what} was accepted`)
    if (parsed.ok) continue
    assert.equal(parsed.reason, 'malformed')
    assert.match(parsed.message, message, what)
  }
})

test('a well-framed message whose token is not an MSK IAM token fails verification as malformed', async () => {
  const result = await verifyOAuthBearerClientFirst(
    Buffer.from(`n,,${SOH}auth=Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${SOH}${SOH}`),
    { region: 'us-east-1', lookup: exampleLookup() }
  )
  assert.equal(result.ok, false)
  if (!result.ok) assert.equal(result.reason, 'malformed')
})
