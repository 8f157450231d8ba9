// `skiff iam` run as a subprocess on a data directory, as an operator runs it.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import DatabaseConstructor from 'better-sqlite3'
import { run } from '../../../test/helpers/run.ts'
import { makeTempDir } from '../../../test/helpers/start-node.ts'
import { repositoryRoot } from '../../../test/helpers/spawn-node.ts'

const SKIFF = join(repositoryRoot, 'bin/skiff')
const WRITE_USER_EVENTS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:WriteData'], Resource: 'arn:aws:kafka:us-east-1:*:topic/guide/*/user-events' }]
})

async function skiff (dataDir: string, ...args: string[]): Promise<string> {
  return (await run(SKIFF, ['iam', ...args, '--data-dir', dataDir], { env: { SKIFF_MASTER_KEY: '' } })).stdout
}

async function skiffJson<T> (dataDir: string, ...args: string[]): Promise<T> {
  return JSON.parse(await skiff(dataDir, ...args, '--output', 'json')) as T
}

/** Every text value of every row of every table: what a dump of the catalog would show. */
function dumpCatalog (dataDir: string): string {
  const db = new DatabaseConstructor(join(dataDir, 'catalog.db'), { readonly: true })
  try {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    return tables.map(table => JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all())).join('\n')
  } finally {
    db.close()
  }
}

test('skiff iam manages users, keys and policies, explains decisions, and the catalog never holds a secret in clear', async t => {
  const dataDir = makeTempDir(t, 'skiff-iam-cli-')
  const bootstrap = await skiffJson<{ Account: string, CredentialsFile: string, Created: boolean }>(dataDir, 'bootstrap')
  assert.equal(bootstrap.Created, true)
  assert.match(bootstrap.Account, /^\d{12}$/)
  assert.equal(bootstrap.CredentialsFile, join(dataDir, 'admin-credentials'))
  assert.match(await skiff(dataDir, 'bootstrap'), new RegExp(`^Account ${bootstrap.Account}; the admin key is in .*admin-credentials`))
  const adminSecret = /aws_secret_access_key = (\S+)/.exec(readFileSync(bootstrap.CredentialsFile, 'utf8'))![1]!

  const created = await skiffJson<{ User: { UserName: string, Arn: string } }>(dataDir, 'create-user', '--user-name', 'alice')
  assert.equal(created.User.Arn, `arn:aws:iam::${bootstrap.Account}:user/alice`)
  const key = await skiffJson<{ AccessKey: { AccessKeyId: string, SecretAccessKey: string, Status: string } }>(dataDir, 'create-access-key', '--user-name', 'alice')
  assert.match(key.AccessKey.AccessKeyId, /^AKIA/)
  assert.equal(key.AccessKey.Status, 'Active')
  const listed = await skiff(dataDir, 'list-access-keys', '--user-name', 'alice')
  assert.match(listed, new RegExp(`${key.AccessKey.AccessKeyId}\\s+Active`))
  assert.doesNotMatch(listed, new RegExp(key.AccessKey.SecretAccessKey.replace(/[+/]/g, '\\$&')))

  const policyFile = join(dataDir, 'policy.json')
  writeFileSync(policyFile, WRITE_USER_EVENTS)
  await skiff(dataDir, 'put-user-policy', '--user-name', 'alice', '--policy-name', 'guide', '--policy-document', `file://${policyFile}`)
  assert.equal(await skiff(dataDir, 'list-user-policies', '--user-name', 'alice'), 'guide\n')
  const got = await skiffJson<{ PolicyDocument: unknown }>(dataDir, 'get-user-policy', '--user-name', 'alice', '--policy-name', 'guide')
  assert.deepEqual(got.PolicyDocument, JSON.parse(WRITE_USER_EVENTS))

  const topic = (name: string) => `arn:aws:kafka:us-east-1:${bootstrap.Account}:topic/guide/0b5e-s1/${name}`
  assert.equal(
    await skiff(dataDir, 'explain', '--user', 'alice', '--action', 'kafka-cluster:WriteData', '--resource', topic('user-events')),
    `allowed: Statement[0] of policy 'user/alice/guide' allows kafka-cluster:WriteData on ${topic('user-events')}\n`
  )
  assert.equal(
    await skiff(dataDir, 'explain', '--user', 'alice', '--action', 'kafka-cluster:WriteData', '--resource', topic('payments')),
    `denied: no statement allows kafka-cluster:WriteData on ${topic('payments')}\n`
  )

  const denyDeletes = JSON.stringify({ Statement: { Sid: 'NoDeletes', Effect: 'Deny', Action: 'kafka-cluster:DeleteTopic', Resource: '*' } })
  const policy = await skiffJson<{ Policy: { Arn: string } }>(dataDir, 'create-policy', '--policy-name', 'NoDeletes', '--policy-document', denyDeletes)
  await skiff(dataDir, 'attach-user-policy', '--user-name', 'alice', '--policy-arn', policy.Policy.Arn)
  const explained = await skiffJson<{ Allowed: boolean, Explanation: string }>(dataDir, 'explain', '--user', 'alice', '--action', 'kafka-cluster:DeleteTopic', '--resource', topic('user-events'))
  assert.equal(explained.Allowed, false)
  assert.match(explained.Explanation, new RegExp(`^denied: statement 'NoDeletes' \\(Statement\\[0\\]\\) of policy '${policy.Policy.Arn}' denies`))

  const refused = await run(SKIFF, ['iam', 'delete-user', '--user-name', 'alice', '--data-dir', dataDir], { allowFailure: true })
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /IAM_DELETE_CONFLICT: Cannot delete entity, must delete access keys first/)
  const malformed = await run(SKIFF, ['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'x', '--policy-document', '{"Statement":[]}', '--data-dir', dataDir], { allowFailure: true })
  assert.match(malformed.stderr, /IAM_POLICY_MALFORMED: Statement: must contain at least one statement/)

  const dump = dumpCatalog(dataDir)
  assert.ok(dump.includes(key.AccessKey.AccessKeyId), 'the dump does hold the key ids')
  assert.ok(!dump.includes(key.AccessKey.SecretAccessKey), 'no user secret in clear')
  assert.ok(!dump.includes(adminSecret), 'no admin secret in clear')

  await skiff(dataDir, 'delete-access-key', '--user-name', 'alice', '--access-key-id', key.AccessKey.AccessKeyId)
  await skiff(dataDir, 'delete-user-policy', '--user-name', 'alice', '--policy-name', 'guide')
  await skiff(dataDir, 'detach-user-policy', '--user-name', 'alice', '--policy-arn', policy.Policy.Arn)
  await skiff(dataDir, 'delete-user', '--user-name', 'alice')
  const users = await skiffJson<{ Users: Array<{ UserName: string }> }>(dataDir, 'list-users')
  assert.deepEqual(users.Users.map(user => user.UserName), ['admin'])
})

test('skiff iam --help lists the subcommands, and each has its own help', async () => {
  const help = (await run(SKIFF, ['iam', '--help'])).stdout
  for (const command of ['bootstrap', 'create-user', 'create-access-key', 'put-user-policy', 'attach-user-policy', 'explain']) assert.match(help, new RegExp(`\\b${command}\\b`))
  assert.match((await run(SKIFF, ['iam', 'explain', '--help'])).stdout, /--action <action>/)
})
