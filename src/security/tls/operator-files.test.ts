// Operator-given TLS files (made with the openssl command line): accepted when they fit together,
// refused at start with a message naming the file when they do not.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ServiceError } from '../../common/errors.ts'
import { makeChainedCertificate, makeOperatorCertificates } from '../../../test/helpers/openssl-certs.ts'
import { loadOperatorMaterial } from './operator-files.ts'

async function assertRefused (promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ServiceError, String(error))
    assert.equal(error.code, 'TLS_MATERIAL_INVALID')
    assert.match(error.message, pattern)
    return true
  })
}

test('operator TLS files', async t => {
  const files = await makeOperatorCertificates(t)

  await t.test('a certificate, its key and the CA that signed it are served as given', async () => {
    const material = await loadOperatorMaterial(files)
    assert.equal(material.certificatePem, readFileSync(files.certFile, 'utf8'))
    assert.equal(material.keyPem, readFileSync(files.keyFile, 'utf8'))
    assert.equal(material.caPem, readFileSync(files.caFile, 'utf8'))
    assert.ok(material.notAfter.getTime() > Date.now())
  })

  await t.test('without --tls-ca nothing is checked against a CA and none is offered to clients', async () => {
    const material = await loadOperatorMaterial({ certFile: files.certFile, keyFile: files.keyFile })
    assert.equal(material.caPem, undefined)
  })

  await t.test('a server certificate signed by an intermediate verifies when the file carries the intermediate', async () => {
    const chained = await makeChainedCertificate(files)
    const material = await loadOperatorMaterial({ certFile: chained.chainFile, keyFile: chained.keyFile, caFile: files.caFile })
    assert.equal(material.certificatePem, readFileSync(chained.chainFile, 'utf8'))
    await assertRefused(loadOperatorMaterial({ certFile: chained.leafFile, keyFile: chained.keyFile, caFile: files.caFile }),
      /\(issuer CN=operator-intermediate\) is not signed by the CA in/)
  })

  await t.test('a key of another certificate is refused, naming both files', async () => {
    await assertRefused(loadOperatorMaterial({ certFile: files.certFile, keyFile: files.otherCaKeyFile }),
      new RegExp(`the key in ${files.otherCaKeyFile} does not belong to the certificate in ${files.certFile}`))
  })

  await t.test('a CA that did not sign the certificate is refused', async () => {
    await assertRefused(loadOperatorMaterial({ ...files, caFile: files.otherCaFile }),
      new RegExp(`certificate in ${files.certFile} \\(issuer CN=operator-ca\\) is not signed by the CA in ${files.otherCaFile}`))
  })

  await t.test('missing, empty and garbled files are refused with the flag and path', async () => {
    const missing = join(files.dir, 'missing.pem')
    await assertRefused(loadOperatorMaterial({ certFile: missing, keyFile: files.keyFile }), new RegExp(`cannot read the --tls-cert file ${missing}`))
    const empty = join(files.dir, 'empty.pem')
    writeFileSync(empty, '')
    await assertRefused(loadOperatorMaterial({ certFile: empty, keyFile: files.keyFile }), /--tls-cert file .*empty\.pem holds no PEM certificate/)
    await assertRefused(loadOperatorMaterial({ certFile: files.certFile, keyFile: empty }), /--tls-key file .*empty\.pem holds no usable private key/)
    const garbled = join(files.dir, 'garbled.pem')
    writeFileSync(garbled, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
    await assertRefused(loadOperatorMaterial({ ...files, caFile: garbled }), /certificate 1 in the --tls-ca file .*garbled\.pem cannot be parsed/)
  })

  await t.test('an expired certificate is refused', async () => {
    const later = new Date(Date.now() + 60 * 24 * 60 * 60 * 1000)
    await assertRefused(loadOperatorMaterial(files, later), /certificate in .*server\.crt expired on/)
  })
})
