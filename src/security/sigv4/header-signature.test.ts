// Header-signed HTTP requests (spec 6.5): the AWS CLI captures of spec 6.4, AWS's published SigV4
// test suite, and requests signed by the AWS SDK's own signer (@smithy/signature-v4), intact and tampered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SignatureV4 } from '@smithy/signature-v4'
import type { HeaderSignatureOptions, SignedHttpRequest } from './header-signature.ts'
import { verifyHeaderSignature } from './header-signature.ts'
import type { SigV4Verification } from './verification.ts'
import {
  ACCESS_KEY_ID,
  exampleLookup,
  fixedClock,
  NodeSha256,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  TEMPORARY_ACCESS_KEY_ID,
  type TestPrincipal
} from '../../../test/helpers/sigv4-credentials.ts'
import {
  AWS_SIGV4_SUITE,
  AWS_SIGV4_SUITE_ACCESS_KEY_ID,
  AWS_SIGV4_SUITE_SECRET,
  AWS_SIGV4_SUITE_SESSION_TOKEN
} from '../../../test/fixtures/sigv4/aws-sig-v4-test-suite.ts'

const CLUSTER_ARN_PATH = 'arn%3Aaws%3Akafka%3Aus-east-1%3A123456789012%3Acluster%2Fserverless-kafka%2Fe0fa5182-18c5-4bf8-adb4-521bf76db4d5-s1'
const SIGNING_DATE = new Date(Date.UTC(2026, 10, 24, 22, 4, 49))
const KAFKA_OPTIONS: HeaderSignatureOptions<TestPrincipal> = {
  services: ['kafka'],
  region: 'us-east-1',
  lookup: exampleLookup(),
  clock: fixedClock(SIGNING_DATE.getTime() + 30_000)
}

function assertRefused (result: SigV4Verification<TestPrincipal>, reason: string, what = reason): void {
  assert.equal(result.ok, false, `${what} was accepted`)
  if (!result.ok) assert.equal(result.reason, reason, `${what}: ${result.message}`)
}

/** Parses an HTTP/1.1 request written as text (request line, `Name:value` lines, blank line, body). */
function parseHttpText (text: string): SignedHttpRequest {
  const [head = '', ...bodyParts] = text.split('\n\n')
  const [requestLine = '', ...headerLines] = head.split('\n')
  const method = requestLine.slice(0, requestLine.indexOf(' '))
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/1.1'))
  const queryAt = target.indexOf('?')
  const headers: Record<string, string[]> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    headers[name] = [...(headers[name] ?? []), line.slice(colon + 1)]
  }
  return {
    method,
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    query: queryAt === -1 ? '' : target.slice(queryAt + 1),
    headers,
    body: Buffer.from(bodyParts.join('\n\n'), 'utf8')
  }
}

test('spec 6.4: the AWS CLI CreateClusterV2 and DescribeClusterV2 captures verify', async () => {
  const body = '{"clusterName": "serverless-kafka", "serverless": {"vpcConfigs": [{"subnetIds": ["subnet-0a1b2c3d", "subnet-1a2b3c4d"], "securityGroupIds": ["sg-0123abcd"]}], "clientAuthentication": {"sasl": {"iam": {"enabled": true}}}}}'
  const create: SignedHttpRequest = {
    method: 'POST',
    path: '/api/v2/clusters',
    query: '',
    headers: {
      host: '127.0.0.1:4599',
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'user-agent': 'aws-cli/2.9.19 Python/3.11.2 Linux/6.18.44-fc-v595 source/x86_64.debian.12 prompt/off command/kafka.create-cluster-v2',
      'x-amz-date': '20261124T220449Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/kafka/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=4b79c2c641a5f43e0fbd322a5cc84c2b598358de7e8e7094bd747665b19511fd',
      'content-length': '221'
    },
    body: Buffer.from(body, 'utf8')
  }
  const result = await verifyHeaderSignature(create, KAFKA_OPTIONS)
  assert.deepEqual(result, {
    ok: true,
    accessKeyId: ACCESS_KEY_ID,
    principal: { user: 'alice' },
    region: 'us-east-1',
    service: 'kafka',
    signedAtMs: SIGNING_DATE.getTime(),
    expiresAtMs: SIGNING_DATE.getTime() + 15 * 60_000
  })
  assertRefused(await verifyHeaderSignature({ ...create, body: Buffer.from(body.replace('serverless-kafka', 'serverless-kafkb')) }, KAFKA_OPTIONS), 'bad-signature', 'changed body')

  const describe: SignedHttpRequest = {
    method: 'GET',
    path: `/api/v2/clusters/${CLUSTER_ARN_PATH}`,
    query: '',
    headers: {
      host: '127.0.0.1:4599',
      'x-amz-date': '20261124T220455Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/kafka/aws4_request, SignedHeaders=host;x-amz-date, Signature=a5374ae57f0b510ebfe1b84094847018cd6048cc1ddc0ab914d5b3055345c239'
    },
    body: Buffer.alloc(0)
  }
  assert.equal((await verifyHeaderSignature(describe, KAFKA_OPTIONS)).ok, true)
  // The path is double-encoded: a client that sent the ARN unencoded signed something else.
  assertRefused(await verifyHeaderSignature({ ...describe, path: `/api/v2/clusters/${decodeURIComponent(CLUSTER_ARN_PATH)}` }, KAFKA_OPTIONS), 'bad-signature', 'decoded path')
})

test('AWS\'s published SigV4 test suite: every signed request verifies', async () => {
  assert.equal(AWS_SIGV4_SUITE.length, 30)
  const lookup = exampleLookup({
    [AWS_SIGV4_SUITE_ACCESS_KEY_ID]: { secretAccessKey: AWS_SIGV4_SUITE_SECRET, principal: { user: 'suite' } }
  })
  const temporaryLookup = exampleLookup({
    [AWS_SIGV4_SUITE_ACCESS_KEY_ID]: { secretAccessKey: AWS_SIGV4_SUITE_SECRET, sessionToken: AWS_SIGV4_SUITE_SESSION_TOKEN, principal: { user: 'suite' } }
  })
  for (const { name, signedRequest } of AWS_SIGV4_SUITE) {
    const request = parseHttpText(signedRequest)
    const result = await verifyHeaderSignature(request, {
      services: ['service'],
      region: 'us-east-1',
      lookup: name.startsWith('post-sts-') ? temporaryLookup : lookup,
      clock: fixedClock(Date.UTC(2015, 7, 30, 12, 36, 0))
    })
    assert.equal(result.ok, true, `${name}: ${result.ok ? '' : result.message}`)
  }
})

test('AWS\'s test suite: a changed header value, query value or path is refused', async () => {
  const byName = new Map(AWS_SIGV4_SUITE.map(({ name, signedRequest }) => [name, signedRequest]))
  const options: HeaderSignatureOptions<TestPrincipal> = {
    services: ['service'],
    lookup: exampleLookup({ [AWS_SIGV4_SUITE_ACCESS_KEY_ID]: { secretAccessKey: AWS_SIGV4_SUITE_SECRET, principal: { user: 'suite' } } }),
    clock: fixedClock(Date.UTC(2015, 7, 30, 12, 36, 0))
  }
  const cases: Array<[string, string, string]> = [
    ['get-header-value-trim', 'a   b   c', 'a   b   d'],
    ['get-header-key-duplicate', 'My-Header1:value1', 'My-Header1:value0'],
    ['get-vanilla-query-order-value', 'Param1=value2', 'Param1=value3'],
    ['get-utf8', 'GET /ሴ', 'GET /ሴሴ'],
    ['post-x-www-form-urlencoded', 'Param1=value1', 'Param1=value2']
  ]
  for (const [name, from, to] of cases) {
    const text = byName.get(name) ?? ''
    assert.equal(text.includes(from), true, `${name} has ${from}`)
    assertRefused(await verifyHeaderSignature(parseHttpText(text.replace(from, to)), options), 'bad-signature', `${name} with ${to}`)
  }
})

interface SdkRequestInput {
  method?: string
  path?: string
  query?: Record<string, string | string[]>
  headers?: Record<string, string>
  body?: string
  service?: string
  region?: string
  credentials?: { accessKeyId: string, secretAccessKey: string, sessionToken?: string }
  applyChecksum?: boolean
}

/** Signs with the AWS SDK's signer and serializes the request as it goes on the wire. */
async function sdkSignedRequest (input: SdkRequestInput = {}): Promise<SignedHttpRequest> {
  const signer = new SignatureV4({
    service: input.service ?? 'kafka',
    region: input.region ?? 'us-east-1',
    credentials: input.credentials ?? { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    sha256: NodeSha256,
    applyChecksum: input.applyChecksum ?? true
  })
  const body = input.body ?? ''
  const signed = await signer.sign({
    method: input.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4599,
    path: input.path ?? `/v1/clusters/${CLUSTER_ARN_PATH}/bootstrap-brokers`,
    query: input.query ?? {},
    headers: { host: '127.0.0.1:4599', 'amz-sdk-request': 'attempt=1; max=3', ...(body === '' ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }), ...input.headers },
    body
  }, { signingDate: SIGNING_DATE })
  const query = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map(one => `${encodeURIComponent(name)}=${encodeURIComponent(String(one))}`))
    .join('&')
  return { method: signed.method, path: signed.path, query, headers: { ...signed.headers }, body: Buffer.from(body, 'utf8') }
}

test('requests signed by @smithy/signature-v4 verify: GET, POST with a body hash header, awkward query values', async () => {
  const get = await sdkSignedRequest()
  assert.match(String(get.headers.authorization), /SignedHeaders=amz-sdk-request;host;x-amz-content-sha256;x-amz-date,/)
  assert.equal((await verifyHeaderSignature(get, KAFKA_OPTIONS)).ok, true)

  const post = await sdkSignedRequest({ method: 'POST', path: `/v1/tags/${CLUSTER_ARN_PATH}`, body: '{"tags":{"env":"dev","team":"data"}}' })
  assert.equal((await verifyHeaderSignature(post, KAFKA_OPTIONS)).ok, true)

  const query = await sdkSignedRequest({
    method: 'DELETE',
    path: `/v1/tags/${CLUSTER_ARN_PATH}`,
    query: { tagKeys: ['team', 'a b', 'x+y', "it's(*)!", 'ሴ'], maxResults: '5' },
    applyChecksum: false
  })
  assert.equal(query.headers['x-amz-content-sha256'], undefined)
  assert.equal((await verifyHeaderSignature(query, KAFKA_OPTIONS)).ok, true)

  const monitoring = await sdkSignedRequest({
    method: 'POST',
    path: '/',
    service: 'monitoring',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics' },
    body: '{"Namespace":"AWS/Kafka"}'
  })
  const monitoringOptions = { ...KAFKA_OPTIONS, services: ['monitoring'] }
  const result = await verifyHeaderSignature(monitoring, monitoringOptions)
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (result.ok) assert.equal(result.service, 'monitoring')
  assertRefused(await verifyHeaderSignature(monitoring, KAFKA_OPTIONS), 'wrong-service')
})

test('an SDK-signed request with any signed part changed is refused', async () => {
  const original = await sdkSignedRequest({ method: 'POST', path: `/v1/tags/${CLUSTER_ARN_PATH}`, query: { a: '1' }, body: '{"tags":{"env":"dev"}}' })
  const authorization = String(original.headers.authorization)
  const signature = authorization.slice(-64)
  const cases: Array<[string, SignedHttpRequest, string]> = [
    ['signature', { ...original, headers: { ...original.headers, authorization: authorization.slice(0, -1) + (signature.endsWith('0') ? '1' : '0') } }, 'bad-signature'],
    ['method', { ...original, method: 'PUT' }, 'bad-signature'],
    ['path', { ...original, path: original.path.replace('serverless-kafka', 'serverless-kafkb') }, 'bad-signature'],
    ['query value', { ...original, query: 'a=2' }, 'bad-signature'],
    ['extra query parameter', { ...original, query: 'a=1&b=2' }, 'bad-signature'],
    ['host', { ...original, headers: { ...original.headers, host: '127.0.0.1:4600' } }, 'bad-signature'],
    ['date header', { ...original, headers: { ...original.headers, 'x-amz-date': '20261124T220450Z' } }, 'bad-signature'],
    ['body, hash header kept', { ...original, body: Buffer.from('{"tags":{"env":"prd"}}') }, 'bad-payload-hash'],
    ['hash header', { ...original, headers: { ...original.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, 'malformed'],
    ['no Authorization', { ...original, headers: { ...original.headers, authorization: undefined } }, 'missing-authorization']
  ]
  for (const [what, request, reason] of cases) assertRefused(await verifyHeaderSignature(request, KAFKA_OPTIONS), reason, what)
  // A header outside SignedHeaders may change.
  assert.equal((await verifyHeaderSignature({ ...original, headers: { ...original.headers, 'user-agent': 'other' } }, KAFKA_OPTIONS)).ok, true)
  // Header names may arrive in any case.
  const upper = Object.fromEntries(Object.entries(original.headers).map(([name, value]) => [name.toUpperCase(), value]))
  assert.equal((await verifyHeaderSignature({ ...original, headers: upper }, KAFKA_OPTIONS)).ok, true)
})

test('an SDK-signed request outside the 15-minute window, for another region, or by an unknown key is refused', async () => {
  const request = await sdkSignedRequest()
  const at = (offsetMs: number): HeaderSignatureOptions<TestPrincipal> => ({ ...KAFKA_OPTIONS, clock: fixedClock(SIGNING_DATE.getTime() + offsetMs) })
  assertRefused(await verifyHeaderSignature(request, at(15 * 60_000 + 1000)), 'expired')
  assertRefused(await verifyHeaderSignature(request, at(-15 * 60_000 - 1000)), 'not-yet-valid')
  assert.equal((await verifyHeaderSignature(request, at(14 * 60_000))).ok, true)
  assert.equal((await verifyHeaderSignature(request, at(-14 * 60_000))).ok, true)
  assertRefused(await verifyHeaderSignature(await sdkSignedRequest({ region: 'eu-west-1' }), KAFKA_OPTIONS), 'wrong-region')
  assert.equal((await verifyHeaderSignature(await sdkSignedRequest({ region: 'eu-west-1' }), { ...KAFKA_OPTIONS, region: undefined })).ok, true)
  const unknown = await sdkSignedRequest({ credentials: { accessKeyId: 'AKIAUNKNOWNEXAMPLE00', secretAccessKey: SECRET_ACCESS_KEY } })
  assertRefused(await verifyHeaderSignature(unknown, KAFKA_OPTIONS), 'unknown-key')
  const wrongSecret = await sdkSignedRequest({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' } })
  assertRefused(await verifyHeaderSignature(wrongSecret, KAFKA_OPTIONS), 'bad-signature')
})

test('SDK-signed requests with temporary credentials need the key\'s own session token', async () => {
  const temporary = { accessKeyId: TEMPORARY_ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN }
  const request = await sdkSignedRequest({ credentials: temporary })
  assert.match(String(request.headers.authorization), /x-amz-security-token/)
  const result = await verifyHeaderSignature(request, KAFKA_OPTIONS)
  assert.equal(result.ok, true, result.ok ? '' : result.message)
  if (result.ok) assert.deepEqual(result.principal, { user: 'bob' })
  assertRefused(await verifyHeaderSignature(await sdkSignedRequest({ credentials: { ...temporary, sessionToken: 'IQoJOTHER' } }), KAFKA_OPTIONS), 'bad-session-token')
  assertRefused(await verifyHeaderSignature(await sdkSignedRequest({ credentials: { ...temporary, sessionToken: undefined } }), KAFKA_OPTIONS), 'bad-session-token')
  assertRefused(await verifyHeaderSignature({ ...request, headers: { ...request.headers, 'x-amz-security-token': 'IQoJOTHER' } }, KAFKA_OPTIONS), 'bad-signature')
  const expired = exampleLookup({
    [TEMPORARY_ACCESS_KEY_ID]: { secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiresAtMs: SIGNING_DATE.getTime(), principal: { user: 'bob' } }
  })
  assertRefused(await verifyHeaderSignature(request, { ...KAFKA_OPTIONS, lookup: expired }), 'credentials-expired')
})

test('malformed Authorization and date headers are refused, naming the problem', async () => {
  const request = await sdkSignedRequest()
  const authorization = String(request.headers.authorization)
  const withHeaders = (headers: Record<string, string | string[] | undefined>): SignedHttpRequest => ({ ...request, headers: { ...request.headers, ...headers } })
  const cases: Array<[string, SignedHttpRequest, RegExp]> = [
    ['other scheme', withHeaders({ authorization: authorization.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256') }), /scheme/],
    ['two Authorization headers', withHeaders({ authorization: [authorization, authorization] }), /more than one Authorization/],
    ['too long', withHeaders({ authorization: authorization + ' '.repeat(5000) }), /too long/],
    ['missing Signature', withHeaders({ authorization: authorization.replace(/, Signature=[0-9a-f]+/, '') }), /exactly Credential, SignedHeaders and Signature/],
    ['repeated component', withHeaders({ authorization: `${authorization}, Signature=${'0'.repeat(64)}` }), /repeats/],
    ['short signature', withHeaders({ authorization: authorization.slice(0, -1) }), /64 lower-case hex/],
    ['unsorted SignedHeaders', withHeaders({ authorization: authorization.replace('amz-sdk-request;host', 'host;amz-sdk-request') }), /sorted/],
    ['upper-case SignedHeaders', withHeaders({ authorization: authorization.replace('amz-sdk-request;host', 'amz-sdk-request;Host') }), /invalid header name/],
    ['host not signed', withHeaders({ authorization: authorization.replace('amz-sdk-request;host;', 'amz-sdk-request;') }), /must include host/],
    ['signed header missing', withHeaders({ 'amz-sdk-request': undefined }), /amz-sdk-request is missing/],
    ['no X-Amz-Date', withHeaders({ 'x-amz-date': undefined }), /X-Amz-Date/],
    ['bad X-Amz-Date', withHeaders({ 'x-amz-date': '2026-11-24T22:04:49Z' }), /X-Amz-Date/],
    ['scope date differs', withHeaders({ 'x-amz-date': '20261125T000000Z' }), /day/],
    ['bad percent-encoding', { ...request, query: 'a=%zz' }, /percent-encoding/],
    ['query too long', { ...request, query: `a=${'x'.repeat(20000)}` }, /longer than/]
  ]
  for (const [what, bad, message] of cases) {
    const result = await verifyHeaderSignature(bad, KAFKA_OPTIONS)
    assert.equal(result.ok, false, `${what} was accepted`)
    if (result.ok) continue
    assert.equal(result.reason, 'malformed', `${what}: ${result.reason} ${result.message}`)
    assert.match(result.message, message, what)
  }
})
