// Skiff's CA: created once with the right shape and permissions, reused after, and never silently
// replaced when its files are incomplete, mismatched or expired.
import assert from 'node:assert/strict'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { ServiceError } from '../../common/errors.ts'
import { CA_VALIDITY_DAYS, loadOrCreateCertificateAuthority } from './certificate-authority.ts'
import { tlsFiles } from './tls-files.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const NOW = new Date('2030-03-01T12:00:00Z')

function tempDataDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ca-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function mode (path: string): number {
  return statSync(path).mode & 0o777
}

async function assertTlsError (promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ServiceError)
    assert.equal(error.code, 'TLS_MATERIAL_INVALID')
    assert.match(error.message, pattern)
    return true
  })
}

test('the first call creates a self-signed CA, valid 10 years, in <data-dir>/tls with owner-only keys', async t => {
  const dataDir = tempDataDir(t)
  const { ca, created } = await loadOrCreateCertificateAuthority(dataDir, NOW)
  assert.equal(created, true)
  const files = tlsFiles(dataDir)
  assert.equal(readFileSync(files.caCertificate, 'utf8'), ca.certificatePem)
  assert.equal(mode(files.dir), 0o700)
  assert.equal(mode(files.caKey), 0o600)
  assert.equal(mode(files.caCertificate), 0o644)
  assert.deepEqual(readdirSync(files.dir).sort(), ['ca.crt', 'ca.key'], 'no temporary files are left behind')

  const certificate = new X509Certificate(ca.certificatePem)
  assert.equal(certificate.ca, true)
  assert.equal(certificate.subject, certificate.issuer)
  assert.match(certificate.subject, /CN=Skiff CA [0-9a-f]{12}/)
  assert.ok(certificate.verify(certificate.publicKey), 'self-signed')
  assert.equal(certificate.publicKey.asymmetricKeyType, 'ec')
  assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1')
  assert.equal(new Date(certificate.validTo).getTime(), NOW.getTime() + CA_VALIDITY_DAYS * DAY_MS)
  assert.ok(new Date(certificate.validFrom).getTime() < NOW.getTime(), 'backdated for clients with slow clocks')
  assert.match(readFileSync(files.caKey, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/)
})

test('later calls reuse the stored CA', async t => {
  const dataDir = tempDataDir(t)
  const first = await loadOrCreateCertificateAuthority(dataDir, NOW)
  const second = await loadOrCreateCertificateAuthority(dataDir, new Date(NOW.getTime() + 400 * DAY_MS))
  assert.equal(second.created, false)
  assert.equal(second.ca.certificatePem, first.ca.certificatePem)
})

test('two data directories get two different CAs', async t => {
  const one = await loadOrCreateCertificateAuthority(tempDataDir(t), NOW)
  const two = await loadOrCreateCertificateAuthority(tempDataDir(t), NOW)
  assert.notEqual(one.ca.certificatePem, two.ca.certificatePem)
  assert.notEqual(new X509Certificate(one.ca.certificatePem).subject, new X509Certificate(two.ca.certificatePem).subject)
})

test('a ca.crt without its key is an error, not a new CA', async t => {
  const dataDir = tempDataDir(t)
  await loadOrCreateCertificateAuthority(dataDir, NOW)
  unlinkSync(tlsFiles(dataDir).caKey)
  await assertTlsError(loadOrCreateCertificateAuthority(dataDir, NOW), /ca\.crt exists but its key .*ca\.key does not/)
})

test('a ca.key that is not the key of ca.crt is an error', async t => {
  const dataDir = tempDataDir(t)
  const other = tempDataDir(t)
  await loadOrCreateCertificateAuthority(dataDir, NOW)
  await loadOrCreateCertificateAuthority(other, NOW)
  writeFileSync(tlsFiles(dataDir).caKey, readFileSync(tlsFiles(other).caKey))
  await assertTlsError(loadOrCreateCertificateAuthority(dataDir, NOW), /ca\.key is not the key of .*ca\.crt/)
})

test('an unreadable ca.crt is an error naming the directory', async t => {
  const dataDir = tempDataDir(t)
  await loadOrCreateCertificateAuthority(dataDir, NOW)
  writeFileSync(tlsFiles(dataDir).caCertificate, 'not a certificate\n')
  await assertTlsError(loadOrCreateCertificateAuthority(dataDir, NOW), /the CA in .*tls cannot be read/)
})

test('an expired CA is an error telling how to make a new one', async t => {
  const dataDir = tempDataDir(t)
  await loadOrCreateCertificateAuthority(dataDir, NOW)
  const later = new Date(NOW.getTime() + (CA_VALIDITY_DAYS + 1) * DAY_MS)
  await assertTlsError(loadOrCreateCertificateAuthority(dataDir, later), /expired on .*remove ca\.crt and ca\.key/)
})

test('a key left without ca.crt (a crash during the first start) is replaced by a new CA', async t => {
  const dataDir = tempDataDir(t)
  const first = await loadOrCreateCertificateAuthority(dataDir, NOW)
  unlinkSync(tlsFiles(dataDir).caCertificate)
  const second = await loadOrCreateCertificateAuthority(dataDir, NOW)
  assert.equal(second.created, true)
  assert.notEqual(second.ca.certificatePem, first.ca.certificatePem)
  const certificate = new X509Certificate(readFileSync(tlsFiles(dataDir).caCertificate))
  assert.ok(certificate.checkPrivateKey(createPrivateKey(readFileSync(tlsFiles(dataDir).caKey))))
})
