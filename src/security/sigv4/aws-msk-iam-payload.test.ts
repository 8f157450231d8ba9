// AWS_MSK_IAM payloads: the spec's Java and kafkajs captures, payloads built live by the kafkajs
// plugin (@jm18457/kafkajs-msk-iam-authentication-mechanism), tampering, and the success response.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createMechanism } from '@jm18457/kafkajs-msk-iam-authentication-mechanism'
import {
  awsMskIamSuccessResponse,
  MAX_AWS_MSK_IAM_PAYLOAD_BYTES,
  parseAwsMskIamPayload,
  verifyAwsMskIamPayload
} from './aws-msk-iam-payload.ts'
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

const SPEC_HOST = 'boot-abcd1234.c1.kafka-serverless.us-east-1.amazonaws.com'
const SPEC_PAYLOAD = {
  version: '2020_10_22',
  'user-agent': 'aws-msk-iam-auth/2.3.6/aws-sdk-java/2.x',
  host: SPEC_HOST,
  action: 'kafka-cluster:Connect',
  'x-amz-algorithm': 'AWS4-HMAC-SHA256',
  'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20250115/us-east-1/kafka-cluster/aws4_request',
  'x-amz-date': '20250115T120000Z',
  'x-amz-expires': '900',
  'x-amz-signedheaders': 'host',
  'x-amz-signature': 'd6152b3e6731cafe6b4f862f202a5d46c5a1941add0d0756a7d60e03e8f5d8e2'
}
const SPEC_TEMPORARY_PAYLOAD = {
  ...SPEC_PAYLOAD,
  'x-amz-credential': 'ASIAIOSFODNN7EXAMPLE/20250115/us-east-1/kafka-cluster/aws4_request',
  'x-amz-security-token': SESSION_TOKEN,
  'x-amz-signature': 'c0e47ba52c18f38114cfadfb32fbc9712b7b55f39747e089d62f5d0c92e875d4'
}
const KAFKAJS_LOCALHOST_CAPTURE = '{"version":"2020_10_22","user-agent":"MSK_IAM","host":"localhost","action":"kafka-cluster:Connect","x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/kafka-cluster/aws4_request","x-amz-algorithm":"AWS4-HMAC-SHA256","x-amz-date":"20261124T220833Z","x-amz-signedheaders":"host","x-amz-expires":"900","x-amz-signature":"5e24056e4dffd9e742a4f39948ffd11e5e9ee90fd40a4afb20e736720015f5af"}'
const SPEC_OPTIONS = { region: 'us-east-1', lookup: exampleLookup(), clock: fixedClock(Date.UTC(2025, 0, 15, 12, 1, 0)) }

const json = (payload: object): Buffer => Buffer.from(JSON.stringify(payload), 'utf8')

function assertRefused (result: SigV4Verification<TestPrincipal>, reason: string): void {
  assert.equal(result.ok, false, `expected a refusal (${reason})`)
  if (!result.ok) assert.equal(result.reason, reason, result.message)
}

interface PluginExchange {
  authBytes: Buffer
  /** What the plugin made of our success response. */
  accepted: boolean
}

/** Runs the kafkajs plugin's authenticator against a fake broker that answers with our success bytes. */
async function pluginExchange (host: string, credentials: { accessKeyId: string, secretAccessKey: string, sessionToken?: string }, region = 'us-east-1'): Promise<PluginExchange> {
  let authBytes: Buffer | undefined
  const mechanism = createMechanism({ region, credentials })
  const quiet = { info: () => {}, error: () => {}, warn: () => {}, debug: () => {} }
  const authenticator = mechanism.authenticationProvider({
    host,
    port: 9098,
    logger: quiet as never,
    saslAuthenticate: (async ({ request, response }: { request: { encode: () => Buffer | Promise<Buffer> }, response: { decode: (b: Buffer) => Buffer, parse: (b: Buffer) => unknown } }) => {
      // The plugin length-prefixes its JSON; kafkajs writes that as the BYTES field, so the broker sees the JSON.
      const framed = await request.encode()
      assert.equal(framed.readUInt32BE(0), framed.length - 4)
      authBytes = framed.subarray(4)
      // kafkajs hands the response's auth_bytes back length-prefixed the same way.
      const reply = awsMskIamSuccessResponse(randomUUID())
      const prefixed = Buffer.concat([Buffer.alloc(4), reply])
      prefixed.writeUInt32BE(reply.length, 0)
      return response.parse(response.decode(prefixed))
    }) as never
  } as never)
  let accepted = true
  await authenticator.authenticate().catch(() => { accepted = false })
  assert.notEqual(authBytes, undefined)
  return { authBytes: authBytes ?? Buffer.alloc(0), accepted }
}

test('spec 3.2: the Java payload verifies against the broker host it names', async () => {
  const result = await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), SPEC_OPTIONS)
  assert.deepEqual(result, {
    ok: true,
    accessKeyId: ACCESS_KEY_ID,
    principal: { user: 'alice' },
    region: 'us-east-1',
    service: 'kafka-cluster',
    signedAtMs: Date.UTC(2025, 0, 15, 12, 0, 0),
    expiresAtMs: Date.UTC(2025, 0, 15, 12, 15, 0)
  })
  const temporary = await verifyAwsMskIamPayload(json(SPEC_TEMPORARY_PAYLOAD), SPEC_OPTIONS)
  assert.equal(temporary.ok, true, temporary.ok ? '' : temporary.message)
  if (temporary.ok) assert.deepEqual(temporary.principal, { user: 'bob' })
})

test('spec 3.2: the kafkajs plugin capture for a broker called localhost verifies', async () => {
  const result = await verifyAwsMskIamPayload(Buffer.from(KAFKAJS_LOCALHOST_CAPTURE), {
    region: 'us-east-1',
    lookup: exampleLookup(),
    clock: fixedClock(Date.UTC(2026, 10, 24, 22, 9, 0)),
    allowedHosts: ['LOCALHOST', '127.0.0.1']
  })
  assert.equal(result.ok, true, result.ok ? '' : result.message)
})

test('the kafkajs plugin\'s live payload verifies, and the plugin accepts our success response', async () => {
  const { authBytes, accepted } = await pluginExchange(SPEC_HOST, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY })
  assert.equal(accepted, true)
  const parsed = parseAwsMskIamPayload(authBytes)
  assert.equal(parsed.ok, true)
  if (parsed.ok) {
    assert.equal(parsed.payload.host, SPEC_HOST)
    assert.equal(parsed.payload.userAgent, 'MSK_IAM')
  }
  const result = await verifyAwsMskIamPayload(authBytes, { region: 'us-east-1', lookup: exampleLookup(), allowedHosts: [SPEC_HOST] })
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (result.ok) assert.equal(result.expiresAtMs - result.signedAtMs, 900_000)
})

test('the kafkajs plugin\'s payload with temporary credentials verifies only with the key\'s own session token', async () => {
  const { authBytes } = await pluginExchange(SPEC_HOST, { accessKeyId: TEMPORARY_ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN })
  const options = { region: 'us-east-1', lookup: exampleLookup() }
  assert.equal((await verifyAwsMskIamPayload(authBytes, options)).ok, true)
  const { authBytes: other } = await pluginExchange(SPEC_HOST, { accessKeyId: TEMPORARY_ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: 'IQoJOTHER' })
  assertRefused(await verifyAwsMskIamPayload(other, options), 'bad-session-token')
  const payload = JSON.parse(authBytes.toString('utf8')) as Record<string, string>
  assertRefused(await verifyAwsMskIamPayload(json({ ...payload, 'x-amz-security-token': 'IQoJOTHER' }), options), 'bad-signature')
})

test('a payload with any signed field changed is refused as a bad signature', async () => {
  const { authBytes } = await pluginExchange(SPEC_HOST, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY })
  const payload = JSON.parse(authBytes.toString('utf8')) as Record<string, string>
  const signature = payload['x-amz-signature'] ?? ''
  const date = payload['x-amz-date'] ?? ''
  const options = { region: 'us-east-1', lookup: exampleLookup() }
  const cases: Array<[string, Record<string, string>]> = [
    ['signature', { 'x-amz-signature': signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0') }],
    ['host', { host: SPEC_HOST.replace('boot-', 'boot2-') }],
    ['date', { 'x-amz-date': date.slice(0, -2) + (date.at(-2) === '0' ? '1' : '0') + 'Z' }],
    ['expiry', { 'x-amz-expires': '901' }]
  ]
  for (const [what, change] of cases) {
    const result = await verifyAwsMskIamPayload(json({ ...payload, ...change }), options)
    assert.equal(result.ok, false, `tampered ${what} was accepted`)
    if (!result.ok) assert.equal(result.reason, 'bad-signature', `${what}: ${result.message}`)
  }
  // version and user-agent are not signed.
  assert.equal((await verifyAwsMskIamPayload(json({ ...payload, 'user-agent': 'other' }), options)).ok, true)
})

test('payload refusals: version, action, host, region, time, key', async () => {
  assertRefused(await verifyAwsMskIamPayload(json({ ...SPEC_PAYLOAD, version: '2019_01_01' }), SPEC_OPTIONS), 'unsupported-version')
  assertRefused(await verifyAwsMskIamPayload(json({ ...SPEC_PAYLOAD, action: 'kafka-cluster:AlterCluster' }), SPEC_OPTIONS), 'wrong-action')
  assertRefused(await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), { ...SPEC_OPTIONS, allowedHosts: ['other.example'] }), 'wrong-host')
  assertRefused(await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), { ...SPEC_OPTIONS, region: 'eu-west-1' }), 'wrong-region')
  assertRefused(await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), { ...SPEC_OPTIONS, clock: fixedClock(Date.UTC(2025, 0, 15, 12, 15, 1)) }), 'expired')
  assertRefused(await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), { ...SPEC_OPTIONS, clock: fixedClock(Date.UTC(2025, 0, 15, 11, 54, 59)) }), 'not-yet-valid')
  assertRefused(await verifyAwsMskIamPayload(json(SPEC_PAYLOAD), { ...SPEC_OPTIONS, lookup: exampleLookup({ [ACCESS_KEY_ID]: undefined }) }), 'unknown-key')
  const { authBytes } = await pluginExchange('b-1.example', { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }, 'eu-central-1')
  assertRefused(await verifyAwsMskIamPayload(authBytes, { region: 'us-east-1', lookup: exampleLookup() }), 'wrong-region')
})

test('malformed payloads are refused, naming the problem', async () => {
  const withoutKey = (key: string): Buffer => json(Object.fromEntries(Object.entries(SPEC_PAYLOAD).filter(([name]) => name !== key)))
  const cases: Array<[string, Buffer, RegExp]> = [
    ['too long', Buffer.alloc(MAX_AWS_MSK_IAM_PAYLOAD_BYTES + 1, 0x20), /longer than/],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /UTF-8 JSON/],
    ['not JSON', Buffer.from('version=2020_10_22'), /UTF-8 JSON/],
    ['array', Buffer.from('[]'), /JSON object/],
    ['number value', json({ ...SPEC_PAYLOAD, 'x-amz-expires': 900 }), /not a string/],
    ['no version', withoutKey('version'), /no version/],
    ['no host', withoutKey('host'), /no host/],
    ['host with a path', json({ ...SPEC_PAYLOAD, host: 'a.example/x' }), /invalid host/],
    ['no signature', withoutKey('x-amz-signature'), /no x-amz-signature/],
    ['no action', withoutKey('action'), /Action is missing/],
    ['no credential', withoutKey('x-amz-credential'), /X-Amz-Credential is missing/],
    ['signed headers', json({ ...SPEC_PAYLOAD, 'x-amz-signedheaders': 'host;x-amz-date' }), /SignedHeaders/],
    ['credential shape', json({ ...SPEC_PAYLOAD, 'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20250115/us-east-1/kafka-cluster' }), /credential/]
  ]
  for (const [what, bytes, message] of cases) {
    const result = await verifyAwsMskIamPayload(bytes, SPEC_OPTIONS)
    assert.equal(result.ok, false, `${what} was accepted`)
    if (result.ok) continue
    assert.equal(result.reason, 'malformed', `${what}: ${result.reason} ${result.message}`)
    assert.match(result.message, message, what)
  }
})

test('spec 3.3: the success response is the version and request id as compact JSON', () => {
  const bytes = awsMskIamSuccessResponse('3d0c7a3e-1f6b-4c8e-9a51-6f0c2b7d9e11')
  assert.equal(bytes.toString('utf8'), '{"version":"2020_10_22","request-id":"3d0c7a3e-1f6b-4c8e-9a51-6f0c2b7d9e11"}')
})
