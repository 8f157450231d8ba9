// Where the CLI finds credentials: environment variables first, else a shared credentials file
// profile (also `[profile x]` sections), with errors that say where it looked.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parseIni, resolveCredentials } from './aws-credentials.ts'

test('environment variables win, with the session token when set', () => {
  assert.deepEqual(resolveCredentials({ env: { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's' } }), { accessKeyId: 'AKIA1', secretAccessKey: 's' })
  assert.deepEqual(resolveCredentials({ env: { AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' } }),
    { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' })
})

test('a profile of the shared credentials file: --profile, AWS_PROFILE or default; comments and [profile x] sections', t => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-credentials-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'credentials')
  writeFileSync(file, '# comment\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n[profile skiff]\nAWS_ACCESS_KEY_ID=AKIASKIFF\naws_secret_access_key=s=with=equals\naws_session_token = tok\n')
  assert.deepEqual(resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: file } }), { accessKeyId: 'AKIADEFAULT', secretAccessKey: 'd' })
  assert.deepEqual(resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'skiff' } }),
    { accessKeyId: 'AKIASKIFF', secretAccessKey: 's=with=equals', sessionToken: 'tok' })
  // An explicit --profile beats the environment's keys.
  assert.equal(resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: file, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, profile: 'skiff' }).accessKeyId, 'AKIASKIFF')
  assert.throws(() => resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: file }, profile: 'other' }), /profile other in .* has no aws_access_key_id/)
  assert.throws(() => resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'missing') } }), /no AWS credentials: set AWS_ACCESS_KEY_ID .* create profile default in/)
  assert.deepEqual([...parseIni('key=outside\n[a]\nx=1\n').keys()], ['a'])
})
