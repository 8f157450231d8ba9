// SigV4 primitives against the spec's worked examples (sections 2.2 and 3.2), byte for byte.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  awsUriEncode,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  deriveSigningKey,
  EMPTY_PAYLOAD_SHA256,
  parseAmzDate,
  sha256Hex,
  signatureHex,
  stringToSign,
  timingSafeEqualString
} from './sigv4.ts'
import { SECRET_ACCESS_KEY, SESSION_TOKEN } from '../../../test/helpers/sigv4-credentials.ts'

const CONNECT_PARAMETERS = (accessKeyId: string): Array<[string, string]> => [
  ['X-Amz-SignedHeaders', 'host'],
  ['Action', 'kafka-cluster:Connect'],
  ['X-Amz-Credential', `${accessKeyId}/20250115/us-east-1/kafka-cluster/aws4_request`],
  ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
  ['X-Amz-Expires', '900'],
  ['X-Amz-Date', '20250115T120000Z']
]

const SPEC_CANONICAL_QUERY = 'Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250115%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20250115T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host'

function connectSignature (query: string, host: string): { hashLine: string, signature: string, request: string } {
  const request = canonicalRequest({
    method: 'GET',
    canonicalUri: '/',
    canonicalQuery: query,
    headers: [['host', host]],
    payloadHash: EMPTY_PAYLOAD_SHA256
  })
  const scope = credentialScope('20250115', 'us-east-1', 'kafka-cluster')
  const toSign = stringToSign('20250115T120000Z', scope, request)
  const key = deriveSigningKey(SECRET_ACCESS_KEY, '20250115', 'us-east-1', 'kafka-cluster')
  return { hashLine: toSign.split('\n')[3] ?? '', signature: signatureHex(key, toSign), request }
}

test('the AWS URI encoder keeps only unreserved characters and writes upper-case hex', () => {
  assert.equal(awsUriEncode('AZaz09-_.~'), 'AZaz09-_.~')
  assert.equal(awsUriEncode('kafka-cluster:Connect'), 'kafka-cluster%3AConnect')
  assert.equal(awsUriEncode("a b+c/d=e!'()*"), 'a%20b%2Bc%2Fd%3De%21%27%28%29%2A')
  assert.equal(awsUriEncode('ሴ'), '%E1%88%B4')
  assert.equal(awsUriEncode('%3A'), '%253A')
  assert.throws(() => awsUriEncode('\ud800'), URIError)
})

test('canonical query sorts by encoded name then value and keeps repeated names', () => {
  assert.equal(canonicalQuery(CONNECT_PARAMETERS('AKIAIOSFODNN7EXAMPLE')), SPEC_CANONICAL_QUERY)
  assert.equal(canonicalQuery([['tagKeys', 'c'], ['tagKeys', 'a b'], ['B', '1'], ['a', '2']]), 'B=1&a=2&tagKeys=a%20b&tagKeys=c')
  assert.equal(canonicalQuery([]), '')
})

test('spec 2.2: canonical request, string-to-sign hash and signature of the long-term-key token', () => {
  const { request, hashLine, signature } = connectSignature(SPEC_CANONICAL_QUERY, 'kafka.us-east-1.amazonaws.com')
  assert.equal(request, [
    'GET',
    '/',
    SPEC_CANONICAL_QUERY,
    'host:kafka.us-east-1.amazonaws.com',
    '',
    'host',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  ].join('\n'))
  assert.equal(hashLine, 'd7a5d869231bc35447e0152deb819bbd074ee8644f4918dbe2296583b1413797')
  assert.equal(signature, 'd073d04a969c5431f04e9cefcfcf72057fe072a40471d572396abfd3c3cfd534')
})

test('spec 2.2: the temporary-credential variant signs the session token in the query', () => {
  const query = canonicalQuery([...CONNECT_PARAMETERS('ASIAIOSFODNN7EXAMPLE'), ['X-Amz-Security-Token', SESSION_TOKEN]])
  assert.equal(query, 'Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20250115%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20250115T120000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Babc%3D%3D&X-Amz-SignedHeaders=host')
  const { hashLine, signature } = connectSignature(query, 'kafka.us-east-1.amazonaws.com')
  assert.equal(hashLine, '29e993b5b8636e8ee3b3416bed238ccd40dffc4585b843090d80f00b0be9e78f')
  assert.equal(signature, 'a7f6484dd06b6d37f19825941c981832a97009f1b66c0ea6c2f04bbf77ec1959')
})

test('spec 3.2: the AWS_MSK_IAM example signs the broker host', () => {
  const host = 'boot-abcd1234.c1.kafka-serverless.us-east-1.amazonaws.com'
  assert.equal(connectSignature(SPEC_CANONICAL_QUERY, host).signature, 'd6152b3e6731cafe6b4f862f202a5d46c5a1941add0d0756a7d60e03e8f5d8e2')
  const temporary = canonicalQuery([...CONNECT_PARAMETERS('ASIAIOSFODNN7EXAMPLE'), ['X-Amz-Security-Token', SESSION_TOKEN]])
  assert.equal(connectSignature(temporary, host).signature, 'c0e47ba52c18f38114cfadfb32fbc9712b7b55f39747e089d62f5d0c92e875d4')
})

test('canonical URI double-encodes each segment and normalizes dot and empty segments', () => {
  assert.equal(
    canonicalUri('/api/v2/clusters/arn%3Aaws%3Akafka%3Aus-east-1%3A123456789012%3Acluster%2Fserverless-kafka%2Fx'),
    '/api/v2/clusters/arn%253Aaws%253Akafka%253Aus-east-1%253A123456789012%253Acluster%252Fserverless-kafka%252Fx'
  )
  assert.equal(canonicalUri('/'), '/')
  assert.equal(canonicalUri(''), '/')
  assert.equal(canonicalUri('/example/..'), '/')
  assert.equal(canonicalUri('/example1/example2/../..'), '/')
  assert.equal(canonicalUri('//'), '/')
  assert.equal(canonicalUri('/./'), '/')
  assert.equal(canonicalUri('/./example'), '/example')
  assert.equal(canonicalUri('//example//'), '/example/')
  assert.equal(canonicalUri('/example space/'), '/example%20space/')
  assert.equal(canonicalUri('/v1/tags/a'), '/v1/tags/a')
})

test('header values are trimmed and inner whitespace collapsed', () => {
  assert.equal(canonicalHeaderValue('  "a   b \t c"  '), '"a b c"')
})

test('X-Amz-Date parses only real UTC timestamps', () => {
  assert.equal(parseAmzDate('20250115T120000Z'), Date.UTC(2025, 0, 15, 12, 0, 0))
  assert.equal(parseAmzDate('20250230T120000Z'), undefined)
  assert.equal(parseAmzDate('20250115T246000Z'), undefined)
  assert.equal(parseAmzDate('2025-01-15T12:00:00Z'), undefined)
  assert.equal(parseAmzDate('20250115T120000'), undefined)
})

test('sha256 of nothing is the empty-payload hash; the string compare is exact', () => {
  assert.equal(sha256Hex(Buffer.alloc(0)), EMPTY_PAYLOAD_SHA256)
  assert.equal(timingSafeEqualString('abc', 'abc'), true)
  assert.equal(timingSafeEqualString('abc', 'abd'), false)
  assert.equal(timingSafeEqualString('abc', 'abcd'), false)
})
