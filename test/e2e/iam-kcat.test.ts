// kcat (librdkafka 2.0.2) against the IAM listener. kcat has no token callback, so it cannot carry
// an MSK IAM token: Debian's librdkafka is built without libcurl, so sasl.oauthbearer.method=oidc
// (which would fetch a token from an endpoint) is refused by kcat itself, and librdkafka's only
// other OAUTHBEARER source, its unsecured JWT builder, makes a token that is not an MSK IAM token
// and is refused with error 58. SASL PLAIN and SCRAM are refused at the handshake: the cluster is
// IAM only, which the node logs.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { startIamNode } from '../helpers/iam-node.ts'
import { run } from '../helpers/run.ts'
import { makeTempDir } from '../helpers/start-node.ts'

test('kcat against the IAM listener', async t => {
  const node = await startIamNode(t)
  const caFile = path.join(makeTempDir(t, 'skiff-ca-'), 'ca.pem')
  writeFileSync(caFile, node.caPem)
  const kcatSasl = async (args: string[]) => await run('kcat', [
    '-b', node.iamBootstrap, '-L', '-m', '5', '-X', 'security.protocol=sasl_ssl', '-X', `ssl.ca.location=${caFile}`, ...args
  ], { allowFailure: true, timeoutMs: 30_000 })

  await t.test('sasl.oauthbearer.method=oidc is not available in this librdkafka build', async () => {
    const result = await kcatSasl(['-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'sasl.oauthbearer.method=oidc',
      '-X', 'sasl.oauthbearer.token.endpoint.url=http://127.0.0.1:9/token', '-X', 'sasl.oauthbearer.client.id=x', '-X', 'sasl.oauthbearer.client.secret=y'])
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /sasl\.oauthbearer\.method.*not supported in this build/)
  })

  await t.test('OAUTHBEARER with librdkafka\'s unsecured JWT is refused with "[<uuid>]: Access denied"', async () => {
    const before = node.logs.lines.length
    const result = await kcatSasl(['-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true',
      '-X', 'sasl.oauthbearer.config=principal=admin'])
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /SASL authentication error: \[[0-9a-f-]{36}\]: Access denied/)
    const failures = node.logs.lines.slice(before).filter(line => line.msg === 'SASL authentication failed')
    assert.ok(failures.length > 0 && failures.every(line => String(line.reason).startsWith('malformed')), JSON.stringify(failures))
  })

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-512']) {
    await t.test(`SASL ${mechanism} is refused: the cluster accepts IAM only`, async () => {
      const result = await kcatSasl(['-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=alice', '-X', 'sasl.password=secret'])
      assert.notEqual(result.code, 0)
      assert.match(result.stderr, new RegExp(`SASL ${mechanism} mechanism handshake failed: Broker: Unsupported SASL mechanism: broker's supported mechanisms: AWS_MSK_IAM,OAUTHBEARER`))
      assert.ok(node.logs.warnings(`SASL mechanism ${mechanism} refused: this cluster accepts IAM authentication only`).length > 0)
      assert.ok(!JSON.stringify(node.logs.lines).includes('secret'), 'the password is not logged')
    })
  }
})
