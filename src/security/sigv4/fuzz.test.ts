// Random and mutated input never makes a SigV4 verifier throw: every outcome is a result value.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { seededRandom } from '../../../test/helpers/random.ts'
import { exampleLookup, fixedClock } from '../../../test/helpers/sigv4-credentials.ts'
import { verifyAwsMskIamPayload } from './aws-msk-iam-payload.ts'
import { verifyHeaderSignature } from './header-signature.ts'
import { verifyOAuthBearerClientFirst } from './oauthbearer-client-first.ts'

const SPEC_URL = 'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&User-Agent=aws-msk-iam-sasl-signer-js%2F1.0.3&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250115%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20250115T120000Z&X-Amz-Expires=900&X-Amz-Signature=d073d04a969c5431f04e9cefcfcf72057fe072a40471d572396abfd3c3cfd534&X-Amz-SignedHeaders=host'
const SPEC_MESSAGE = Buffer.from(`n,,\x01auth=Bearer ${Buffer.from(SPEC_URL).toString('base64url')}\x01\x01`, 'latin1')
const SPEC_PAYLOAD = Buffer.from('{"version":"2020_10_22","host":"boot-abcd1234.c1.kafka-serverless.us-east-1.amazonaws.com","action":"kafka-cluster:Connect","x-amz-algorithm":"AWS4-HMAC-SHA256","x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20250115/us-east-1/kafka-cluster/aws4_request","x-amz-date":"20250115T120000Z","x-amz-expires":"900","x-amz-signedheaders":"host","x-amz-signature":"d6152b3e6731cafe6b4f862f202a5d46c5a1941add0d0756a7d60e03e8f5d8e2"}')
const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/kafka/aws4_request, SignedHeaders=host;x-amz-date, Signature=a5374ae57f0b510ebfe1b84094847018cd6048cc1ddc0ab914d5b3055345c239'
const OPTIONS = { region: 'us-east-1', lookup: exampleLookup(), clock: fixedClock(Date.UTC(2025, 0, 15, 12, 1, 0)) }

function mutate (random: () => number, input: Buffer): Buffer {
  const bytes = Buffer.from(input)
  const edits = 1 + Math.floor(random() * 4)
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random() * bytes.length)
    const choice = random()
    // Mostly printable changes, so mutations get past the first checks; some arbitrary bytes.
    bytes[at] = choice < 0.7 ? 0x20 + Math.floor(random() * 95) : choice < 0.85 ? 0x01 : Math.floor(random() * 256)
  }
  const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length
  return bytes.subarray(0, cut)
}

test('mutated OAUTHBEARER messages, AWS_MSK_IAM payloads and Authorization headers only ever yield results', async () => {
  const random = seededRandom(20250115)
  for (let round = 0; round < 1500; round++) {
    const message = await verifyOAuthBearerClientFirst(mutate(random, SPEC_MESSAGE), OPTIONS)
    assert.equal(typeof message.ok, 'boolean')
    const payload = await verifyAwsMskIamPayload(mutate(random, SPEC_PAYLOAD), OPTIONS)
    assert.equal(typeof payload.ok, 'boolean')
    const header = await verifyHeaderSignature({
      method: 'GET',
      path: mutate(random, Buffer.from('/api/v2/clusters/arn%3Aaws%3Akafka')).toString('latin1'),
      query: mutate(random, Buffer.from('a=1&b=%20&c')).toString('latin1'),
      headers: { host: '127.0.0.1:4599', 'x-amz-date': '20261124T220455Z', authorization: mutate(random, Buffer.from(AUTHORIZATION)).toString('latin1') },
      body: Buffer.alloc(0)
    }, { ...OPTIONS, services: ['kafka'], clock: fixedClock(Date.UTC(2026, 10, 24, 22, 5, 0)) })
    assert.equal(typeof header.ok, 'boolean')
    if (!header.ok) assert.equal(typeof header.message, 'string')
  }
})

test('random bytes are refused as malformed by every SASL verifier', async () => {
  const random = seededRandom(7628)
  for (let round = 0; round < 500; round++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256)))
    for (const result of [await verifyOAuthBearerClientFirst(bytes, OPTIONS), await verifyAwsMskIamPayload(bytes, OPTIONS)]) {
      assert.equal(result.ok, false)
      if (!result.ok) assert.equal(result.reason, 'malformed')
    }
  }
})
