// Certificates made the way an operator would make them, with the openssl command line (RSA 2048):
// a CA, a server certificate it signed for localhost and 127.0.0.1, and an unrelated second CA.
// Tests use them as --tls-cert/--tls-key/--tls-ca files that Skiff's own code did not produce.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { run } from './run.ts'
import { makeTempDir } from './start-node.ts'

export interface OperatorCertificates {
  dir: string
  caFile: string
  certFile: string
  keyFile: string
  /** A CA that did not sign certFile, with its own key. */
  otherCaFile: string
  otherCaKeyFile: string
}

async function openssl (dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { timeoutMs: 30_000, env: { OPENSSL_CONF: '/dev/null', RANDFILE: join(dir, '.rnd') } })
}

async function makeCa (dir: string, name: string): Promise<void> {
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
    '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
}

export async function makeOperatorCertificates (t: TestContext): Promise<OperatorCertificates> {
  const dir = makeTempDir(t, 'skiff-operator-tls-')
  await makeCa(dir, 'operator-ca')
  await makeCa(dir, 'other-ca')
  const extensions = join(dir, 'server.ext')
  writeFileSync(extensions, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'authorityKeyIdentifier=keyid',
    'subjectKeyIdentifier=hash'
  ].join('\n') + '\n')
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=localhost',
    '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr')])
  await openssl(dir, ['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', join(dir, 'operator-ca.crt'), '-CAkey', join(dir, 'operator-ca.key'),
    '-CAcreateserial', '-days', '30', '-sha256', '-extfile', extensions, '-out', join(dir, 'server.crt')])
  return {
    dir,
    caFile: join(dir, 'operator-ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    otherCaFile: join(dir, 'other-ca.crt'),
    otherCaKeyFile: join(dir, 'other-ca.key')
  }
}

export interface ChainedCertificate {
  /** The server certificate alone (signed by the intermediate). */
  leafFile: string
  /** The server certificate followed by the intermediate CA, as a server sends its chain. */
  chainFile: string
  keyFile: string
}

/** A server certificate signed by an intermediate CA that the operator CA signed. */
export async function makeChainedCertificate (files: OperatorCertificates): Promise<ChainedCertificate> {
  const { dir } = files
  const path = (name: string): string => join(dir, name)
  writeFileSync(path('intermediate.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n')
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=operator-intermediate', '-keyout', path('intermediate.key'), '-out', path('intermediate.csr')])
  await openssl(dir, ['x509', '-req', '-in', path('intermediate.csr'), '-CA', files.caFile, '-CAkey', path('operator-ca.key'), '-CAcreateserial',
    '-days', '30', '-sha256', '-extfile', path('intermediate.ext'), '-out', path('intermediate.crt')])
  await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=localhost', '-keyout', path('leaf.key'), '-out', path('leaf.csr')])
  await openssl(dir, ['x509', '-req', '-in', path('leaf.csr'), '-CA', path('intermediate.crt'), '-CAkey', path('intermediate.key'), '-CAcreateserial',
    '-days', '30', '-sha256', '-extfile', path('server.ext'), '-out', path('leaf.crt')])
  writeFileSync(path('leaf-chain.crt'), readFileSync(path('leaf.crt'), 'utf8') + readFileSync(path('intermediate.crt'), 'utf8'))
  return { leafFile: path('leaf.crt'), chainFile: path('leaf-chain.crt'), keyFile: path('leaf.key') }
}
