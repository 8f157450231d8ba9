import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import { ServiceError } from '../common/errors.ts'
import { SecretBox, loadMasterKey } from './secret-box.ts'

function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-secret-box-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function isCode (code: string): (error: unknown) => boolean {
  return error => error instanceof ServiceError && error.code === code
}

test('a sealed secret opens with the same key and context, and does not show the secret', () => {
  const box = new SecretBox(Buffer.alloc(32, 7))
  const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAEXAMPLE')
  assert.ok(!sealed.includes('wJalrXUtnFEMI'))
  assert.notEqual(sealed, box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAEXAMPLE'), 'a fresh IV each time')
  assert.equal(box.open(sealed, 'AKIAEXAMPLE'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
})

test('a sealed secret does not open under another key, another context, or when tampered with', () => {
  const box = new SecretBox(Buffer.alloc(32, 7))
  const sealed = box.seal('secret', 'AKIAONE')
  assert.throws(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, 'AKIAONE'), isCode('IAM_SECRET_UNREADABLE'))
  assert.throws(() => box.open(sealed, 'AKIATWO'), isCode('IAM_SECRET_UNREADABLE'))
  const bytes = Buffer.from(sealed.slice(3), 'base64')
  bytes[bytes.length - 1]! ^= 1
  assert.throws(() => box.open(`v1:${bytes.toString('base64')}`, 'AKIAONE'), isCode('IAM_SECRET_UNREADABLE'))
  assert.throws(() => box.open('plaintext', 'AKIAONE'), isCode('IAM_SECRET_UNREADABLE'))
})

test('the master key file is created once with mode 0600 and reused', async t => {
  const dir = tempDir(t)
  const first = await loadMasterKey(dir, { env: {} })
  assert.equal(first.source, 'created')
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600)
  assert.equal(Buffer.from(readFileSync(join(dir, 'master.key'), 'utf8').trim(), 'base64').length, 32)
  const second = await loadMasterKey(dir, { env: {} })
  assert.equal(second.source, 'file')
  assert.equal(second.box.open(first.box.seal('x', 'c'), 'c'), 'x')
})

test('two processes creating the key at once end up with one key', async t => {
  const dir = tempDir(t)
  const [one, two] = await Promise.all([loadMasterKey(dir, { env: {} }), loadMasterKey(dir, { env: {} })])
  assert.equal(two.box.open(one.box.seal('x', 'c'), 'c'), 'x')
})

test('SKIFF_MASTER_KEY takes precedence and must be 32 bytes in base64', async t => {
  const dir = tempDir(t)
  const key = Buffer.alloc(32, 3).toString('base64')
  const fromEnv = await loadMasterKey(dir, { env: { SKIFF_MASTER_KEY: key } })
  assert.equal(fromEnv.source, 'env')
  assert.equal(new SecretBox(Buffer.alloc(32, 3)).open(fromEnv.box.seal('x', 'c'), 'c'), 'x')
  await assert.rejects(loadMasterKey(dir, { env: { SKIFF_MASTER_KEY: 'c2hvcnQ=' } }), isCode('MASTER_KEY_INVALID'))
  writeFileSync(join(dir, 'master.key'), 'not a key\n')
  await assert.rejects(loadMasterKey(dir, { env: {} }), isCode('MASTER_KEY_INVALID'))
})
