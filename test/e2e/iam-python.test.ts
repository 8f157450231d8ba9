// kafka-python and confluent-kafka (librdkafka) over the IAM listener: TLS + SASL OAUTHBEARER with
// tokens minted by the real aws-msk-iam-sasl-signer-js and read by the clients' token providers from
// a file (test/e2e/iam_python_clients.py). kafka-python 2.0.2 speaks SaslHandshake v0 and sends its
// token as a bare frame; confluent-kafka uses SaslHandshake v1 and SaslAuthenticate.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { GUIDE_POLICY, mintToken, startIamNode, type IamNode } from '../helpers/iam-node.ts'
import { runPythonScript } from '../helpers/run.ts'
import { makeTempDir } from '../helpers/start-node.ts'
import { TokenFile, tamperToken } from '../helpers/token-file.ts'
import { createTopics } from '../helpers/wire-client.ts'

interface GuideRecord {
  partition: number
  offset: number
  key: string
  value: { userId: string, eventType: string, page: string, timestamp: number }
}

function parseLines<T> (stdout: string): T[] {
  return stdout.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as T)
}

function caFileOf (t: Parameters<typeof makeTempDir>[0], node: IamNode): string {
  const file = path.join(makeTempDir(t, 'skiff-ca-'), 'ca.pem')
  writeFileSync(file, node.caPem)
  return file
}

const byPosition = (a: { partition: number, offset: number }, b: { partition: number, offset: number }): number => a.partition - b.partition || a.offset - b.offset

test('Python clients with OAUTHBEARER MSK IAM tokens over TLS', async t => {
  const node = await startIamNode(t)
  await createTopics(node.bootstrap, [{ name: 'user-events', partitions: 6 }, { name: 'orders', partitions: 2 }])
  const caFile = caFileOf(t, node)
  const user = node.addUser('python-guide', [GUIDE_POLICY])
  const tokens = new TokenFile(t)
  await tokens.mint(user)

  await t.test('kafka-python: the guide\'s producer and consumer (SaslHandshake v0, bare token frame)', async () => {
    const common = [node.iamBootstrap, 'user-events']
    const produced = parseLines<GuideRecord>((await runPythonScript('iam_python_clients.py',
      ['kafka-python-produce', ...common, '100', caFile, tokens.path], { timeoutMs: 90_000 })).stdout)
    assert.equal(produced.length, 100)
    assert.deepEqual(new Set(produced.map(record => record.value.page)).size, 100)
    const consumed = parseLines<GuideRecord>((await runPythonScript('iam_python_clients.py',
      ['kafka-python-consume', ...common, '100', caFile, tokens.path, 'event-processor'], { timeoutMs: 90_000 })).stdout)
    assert.deepEqual(consumed.sort(byPosition), produced.sort(byPosition))
    const authenticated = node.logs.lines.filter(line => line.msg === 'SASL authenticated' && line.principal === user.principal.arn)
    assert.ok(authenticated.length >= 2, 'both clients authenticated as the guide user')
  })

  await t.test('confluent-kafka: Producer and Consumer with oauth_cb', async () => {
    const produced = parseLines<{ partition: number, offset: number, key: string, value: string }>((await runPythonScript('iam_python_clients.py',
      ['confluent-produce', node.iamBootstrap, 'orders', '50', caFile, tokens.path], { timeoutMs: 90_000 })).stdout)
    assert.equal(produced.length, 50)
    assert.ok(produced.every(record => !('error' in record)))
    const consumed = parseLines<{ partition: number, offset: number, key: string, value: string, assigned?: number[] }>((await runPythonScript('iam_python_clients.py',
      ['confluent-consume', node.iamBootstrap, 'orders', '50', caFile, tokens.path, 'order-processor'], { timeoutMs: 90_000 })).stdout)
      .filter(line => line.assigned === undefined)
    assert.deepEqual(consumed.sort(byPosition), produced.sort(byPosition))
  })

  await t.test('confluent-kafka with a tampered token gets error 58 "[<uuid>]: Access denied"; the reason is logged', async () => {
    const bad = new TokenFile(t)
    bad.write(tamperToken((await mintToken(user)).token))
    const { stdout } = await runPythonScript('iam_python_clients.py', ['confluent-probe', node.iamBootstrap, 'orders', caFile, bad.path], { timeoutMs: 60_000 })
    const probe = parseLines<{ delivered?: boolean, errors?: string[] }>(stdout).find(line => line.delivered !== undefined)
    assert.ok(probe?.errors !== undefined, stdout)
    assert.equal(probe.delivered, false)
    assert.ok(probe.errors.some(error => /SASL authentication error: \[[0-9a-f-]{36}\]: Access denied/.test(error)), probe.errors.join('\n'))
    assert.ok(node.logs.warnings('SASL authentication failed').some(line => String(line.reason).startsWith('bad-signature')),
      JSON.stringify(node.logs.warnings('SASL authentication failed')))
  })
})
