// Skiff's own certificate authority: created on first start (ECDSA P-256 key, self-signed
// certificate valid 10 years) in <data-dir>/tls/, and loaded from there on every later start.
// Clients trust its certificate (`skiff ca` prints it); it signs the node certificates.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { X509Certificate as NodeX509Certificate, createPrivateKey } from 'node:crypto'
import { ServiceError } from '../../common/errors.ts'
import { writeFileAtomic, restrictDirectory } from './atomic-file.ts'
import { CERTIFICATE_FILE_MODE, KEY_FILE_MODE, tlsFiles } from './tls-files.ts'
import { KEY_ALGORITHM, generateKeyPair, importSigningKey, privateKeyToPem, randomSerialNumber, x509 } from './x509.ts'

export const CA_VALIDITY_DAYS = 3650
/** notBefore is set this far in the past, so a client whose clock runs a little slow accepts new certificates. */
export const BACKDATE_MS = 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

export interface CertificateAuthority {
  certificate: x509.X509Certificate
  certificatePem: string
  /** The CA's private key, usable for signing only. */
  signingKey: CryptoKey
  certificatePath: string
}

export interface LoadedCertificateAuthority {
  ca: CertificateAuthority
  /** True when this call made a new CA (first start, or no ca.crt was found). */
  created: boolean
}

function invalid (message: string, cause?: unknown): ServiceError {
  return new ServiceError('TLS_MATERIAL_INVALID', message, { cause })
}

/**
 * Loads the CA from <dataDir>/tls/, or creates one when ca.crt does not exist. A ca.crt without its
 * key, a key that does not match, or an expired CA certificate is an error: clients may trust that
 * CA, so it is never replaced behind the operator's back.
 */
export async function loadOrCreateCertificateAuthority (dataDir: string, now: Date = new Date()): Promise<LoadedCertificateAuthority> {
  const files = tlsFiles(dataDir)
  await mkdir(files.dir, { recursive: true })
  await restrictDirectory(files.dir)
  if (!existsSync(files.caCertificate)) return { ca: await createCertificateAuthority(dataDir, now), created: true }
  if (!existsSync(files.caKey)) {
    throw invalid(`${files.caCertificate} exists but its key ${files.caKey} does not: restore the key, or remove ${files.caCertificate} ` +
      'to create a new CA (clients must then trust the new CA certificate)')
  }
  const certificatePem = await readFile(files.caCertificate, 'utf8')
  const keyPem = await readFile(files.caKey, 'utf8')
  let certificate: x509.X509Certificate
  let signingKey: CryptoKey
  try {
    certificate = new x509.X509Certificate(certificatePem)
    signingKey = await importSigningKey(keyPem)
  } catch (error) {
    throw invalid(`the CA in ${files.dir} cannot be read (${(error as Error).message}); remove ca.crt and ca.key to create a new one`, error)
  }
  if (!new NodeX509Certificate(certificatePem).checkPrivateKey(createPrivateKey(keyPem))) {
    throw invalid(`${files.caKey} is not the key of ${files.caCertificate}; restore the matching pair, or remove both to create a new CA`)
  }
  if (certificate.notAfter.getTime() <= now.getTime()) {
    throw invalid(`the CA certificate ${files.caCertificate} expired on ${certificate.notAfter.toISOString()}; ` +
      'remove ca.crt and ca.key to create a new CA (clients must then trust the new CA certificate)')
  }
  return { ca: { certificate, certificatePem, signingKey, certificatePath: files.caCertificate }, created: false }
}

async function createCertificateAuthority (dataDir: string, now: Date): Promise<CertificateAuthority> {
  const files = tlsFiles(dataDir)
  const keys = await generateKeyPair()
  const serialNumber = randomSerialNumber()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    // A name of its own per installation, so two Skiff CAs in one trust store stay apart.
    name: `CN=Skiff CA ${serialNumber.slice(0, 12)}, O=Skiff`,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  const certificatePem = certificate.toString('pem') + '\n'
  // Key first: a crash between the two writes leaves no ca.crt, so the next start creates a CA again.
  await writeFileAtomic(files.caKey, await privateKeyToPem(keys.privateKey), KEY_FILE_MODE)
  await writeFileAtomic(files.caCertificate, certificatePem, CERTIFICATE_FILE_MODE)
  return { certificate, certificatePem, signingKey: keys.privateKey, certificatePath: files.caCertificate }
}
