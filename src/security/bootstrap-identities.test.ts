import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import { LogCapture, makeTempDir, startTestNode } from '../../test/helpers/start-node.ts'
import { MemoryCatalog } from '../storage/memory/memory-catalog.ts'
import { bootstrapIdentities } from './bootstrap-identities.ts'
import { compilePolicy } from './iam/compiled-policy.ts'
import { PolicySet } from './iam/policy-evaluator.ts'

function parseCredentials (text: string): Record<string, string> {
  assert.match(text, /^\[skiff\]\n/)
  return Object.fromEntries(text.split('\n').slice(1).filter(line => line !== '').map(line => line.split(' = ') as [string, string]))
}

test('first start creates an account, an admin allowed everything and its key in admin-credentials (0600); the log names the file, not the secret', async t => {
  const dataDir = makeTempDir(t)
  const catalog = new MemoryCatalog()
  const logs = new LogCapture()
  const identities = await bootstrapIdentities(catalog, dataDir, { logger: pino({ level: 'info' }, logs), env: {}, region: 'eu-west-1' })
  assert.equal(identities.isCreated, true)
  assert.equal(identities.credentialsFile, join(dataDir, 'admin-credentials'))
  assert.equal(statSync(identities.credentialsFile).mode & 0o777, 0o600)
  const profile = parseCredentials(readFileSync(identities.credentialsFile, 'utf8'))
  assert.equal(profile.region, 'eu-west-1')
  assert.match(profile.aws_access_key_id!, /^AKIA/)
  assert.doesNotMatch(JSON.stringify(logs.lines), new RegExp(profile.aws_secret_access_key!.replace(/[+/]/g, '\\$&')))
  assert.ok(logs.lines.some(line => JSON.stringify(line).includes(identities.credentialsFile)))

  const credential = await identities.directory.lookupAccessKey(profile.aws_access_key_id!)
  assert.equal(credential?.secretAccessKey, profile.aws_secret_access_key)
  assert.equal(credential?.principal.arn, `arn:aws:iam::${identities.accountId}:user/admin`)
  const policies = new PolicySet((await identities.directory.policiesOf(credential.principal)).map(policy => compilePolicy(policy.name, policy.document)))
  assert.equal(policies.evaluate({ action: 'kafka-cluster:WriteData', resource: 'arn:aws:kafka:us-east-1:1:topic/c/u/t' }).isAllowed, true)

  const again = await bootstrapIdentities(catalog, dataDir, { env: {} })
  assert.equal(again.isCreated, false)
  assert.equal(again.accountId, identities.accountId)
  assert.equal((await catalog.listAccounts()).length, 1)
  assert.deepEqual(parseCredentials(readFileSync(identities.credentialsFile, 'utf8')), profile)
})

test('a node started on a data dir writes admin-credentials, and keeps the same admin key after a restart', async t => {
  const dataDir = makeTempDir(t)
  const first = await startTestNode(t, { dataDir })
  const profile = parseCredentials(readFileSync(join(dataDir, 'admin-credentials'), 'utf8'))
  assert.ok(await first.node.identities.directory.lookupAccessKey(profile.aws_access_key_id!))
  await first.close()
  const second = await startTestNode(t, { dataDir })
  assert.equal(second.node.identities.isCreated, false)
  assert.equal((await second.node.identities.directory.lookupAccessKey(profile.aws_access_key_id!))?.secretAccessKey, profile.aws_secret_access_key)
})
