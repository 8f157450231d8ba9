// The node certificate: the right names, usage and lifetime, signed by the CA, reused while it fits,
// and issued again when its names, CA or key no longer fit or its expiry is near.
import assert from 'node:assert/strict'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { loadOrCreateCertificateAuthority } from './certificate-authority.ts'
import { NODE_VALIDITY_DAYS, RENEW_BEFORE_DAYS, loadOrIssueNodeCertificate } from './node-certificate.ts'
import { tlsFiles } from './tls-files.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const NOW = new Date('2030-03-01T12:00:00Z')
const NAMES = ['broker-1.example.com', 'localhost', '127.0.0.1', '::1']
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'

function tempDataDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-node-cert-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function setUp (t: TestContext): Promise<{ dataDir: string, ca: Awaited<ReturnType<typeof loadOrCreateCertificateAuthority>>['ca'] }> {
  const dataDir = tempDataDir(t)
  const { ca } = await loadOrCreateCertificateAuthority(dataDir, NOW)
  return { dataDir, ca }
}

test('a new node certificate names every host, serves TLS servers only, lasts a year and is signed by the CA', async t => {
  const { dataDir, ca } = await setUp(t)
  const { certificate, issuedBecause } = await loadOrIssueNodeCertificate(dataDir, ca, [...NAMES, '*.skiff.internal', '10.0.0.7'], NOW)
  assert.equal(issuedBecause, 'missing')
  const files = tlsFiles(dataDir)
  assert.equal(readFileSync(files.nodeCertificate, 'utf8'), certificate.certificatePem)
  assert.equal(statSync(files.nodeKey).mode & 0o777, 0o600)
  assert.equal(statSync(files.nodeCertificate).mode & 0o777, 0o644)

  const parsed = new X509Certificate(certificate.certificatePem)
  assert.equal(parsed.subjectAltName,
    'DNS:broker-1.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:*.skiff.internal, IP Address:10.0.0.7')
  assert.match(parsed.subject, /CN=broker-1\.example\.com/)
  assert.equal(parsed.ca, false)
  assert.deepEqual(parsed.keyUsage, [SERVER_AUTH])
  const caCertificate = new X509Certificate(ca.certificatePem)
  assert.ok(parsed.checkIssued(caCertificate), 'issuer name and key identifier match the CA')
  assert.ok(parsed.verify(caCertificate.publicKey), 'signed by the CA key')
  assert.ok(parsed.checkPrivateKey(createPrivateKey(readFileSync(files.nodeKey))), 'node.key is its key')
  assert.equal(new Date(parsed.validTo).getTime(), NOW.getTime() + NODE_VALIDITY_DAYS * DAY_MS)
  assert.equal(parsed.checkHost('broker-1.example.com'), 'broker-1.example.com')
  assert.equal(parsed.checkHost('node-9.skiff.internal'), '*.skiff.internal', 'the wildcard covers every node')
  assert.equal(parsed.checkIP('::1'), '::1')
  assert.equal(parsed.checkHost('elsewhere.example.com'), undefined)
})

test('the stored certificate is reused while names (in any order or spelling) and lifetime still fit', async t => {
  const { dataDir, ca } = await setUp(t)
  const first = await loadOrIssueNodeCertificate(dataDir, ca, NAMES, NOW)
  const sameNames = ['LOCALHOST', '0:0:0:0:0:0:0:1', 'broker-1.example.com', '127.0.0.1', 'localhost']
  const later = new Date(NOW.getTime() + (NODE_VALIDITY_DAYS - RENEW_BEFORE_DAYS - 1) * DAY_MS)
  const second = await loadOrIssueNodeCertificate(dataDir, ca, sameNames, later)
  assert.equal(second.issuedBecause, undefined)
  assert.equal(second.certificate.certificatePem, first.certificate.certificatePem)
  assert.equal(second.certificate.keyPem, first.certificate.keyPem)
})

test('a changed name list issues a new certificate with the new names and a new key', async t => {
  const { dataDir, ca } = await setUp(t)
  const first = await loadOrIssueNodeCertificate(dataDir, ca, NAMES, NOW)
  for (const names of [[...NAMES, 'kafka.example.org'], NAMES.slice(1)]) {
    const next = await loadOrIssueNodeCertificate(dataDir, ca, names, NOW)
    assert.equal(next.issuedBecause, 'names changed')
    assert.notEqual(next.certificate.keyPem, first.certificate.keyPem)
    assert.equal(readFileSync(tlsFiles(dataDir).nodeCertificate, 'utf8'), next.certificate.certificatePem)
  }
  const parsed = new X509Certificate(readFileSync(tlsFiles(dataDir).nodeCertificate))
  assert.equal(parsed.checkHost('broker-1.example.com'), undefined, 'the dropped name is gone')
})

test('a certificate within 30 days of expiry is issued again, valid a year from then', async t => {
  const { dataDir, ca } = await setUp(t)
  await loadOrIssueNodeCertificate(dataDir, ca, NAMES, NOW)
  const later = new Date(NOW.getTime() + (NODE_VALIDITY_DAYS - RENEW_BEFORE_DAYS + 1) * DAY_MS)
  const renewed = await loadOrIssueNodeCertificate(dataDir, ca, NAMES, later)
  assert.equal(renewed.issuedBecause, 'expires soon')
  assert.equal(renewed.certificate.notAfter.getTime(), later.getTime() + NODE_VALIDITY_DAYS * DAY_MS)
})

test('a certificate of another CA, or with a key that is not its own, is issued again', async t => {
  const { dataDir, ca } = await setUp(t)
  await loadOrIssueNodeCertificate(dataDir, ca, NAMES, NOW)
  const { ca: otherCa } = await loadOrCreateCertificateAuthority(tempDataDir(t), NOW)
  const reissued = await loadOrIssueNodeCertificate(dataDir, otherCa, NAMES, NOW)
  assert.equal(reissued.issuedBecause, 'not signed by the current CA')
  assert.ok(new X509Certificate(reissued.certificate.certificatePem).verify(new X509Certificate(otherCa.certificatePem).publicKey))

  const other = tempDataDir(t)
  await loadOrIssueNodeCertificate(other, otherCa, NAMES, NOW)
  writeFileSync(tlsFiles(dataDir).nodeKey, readFileSync(tlsFiles(other).nodeKey))
  assert.equal((await loadOrIssueNodeCertificate(dataDir, otherCa, NAMES, NOW)).issuedBecause, 'its key does not match')

  writeFileSync(tlsFiles(dataDir).nodeCertificate, 'garbage')
  assert.equal((await loadOrIssueNodeCertificate(dataDir, otherCa, NAMES, NOW)).issuedBecause, 'unreadable')
  unlinkSync(tlsFiles(dataDir).nodeKey)
  assert.equal((await loadOrIssueNodeCertificate(dataDir, otherCa, NAMES, NOW)).issuedBecause, 'missing')
})

test('a name that is neither a DNS name nor an IP address is refused, as is an empty list', async t => {
  const { dataDir, ca } = await setUp(t)
  await assert.rejects(loadOrIssueNodeCertificate(dataDir, ca, ['localhost', 'bad name!'], NOW), /'bad name!' is neither a DNS name nor an IP address/)
  await assert.rejects(loadOrIssueNodeCertificate(dataDir, ca, [], NOW), /at least one name/)
})
