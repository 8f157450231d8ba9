// The node's TLS certificate, signed by Skiff's CA: subject alternative names for every name clients
// use to reach the node, serverAuth only, valid one year. Kept in <data-dir>/tls/ and reused until
// its names change, its CA changes or it is within 30 days of expiry; then it is issued again.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { X509Certificate as NodeX509Certificate, createPrivateKey } from 'node:crypto'
import { ServiceError } from '../../common/errors.ts'
import { restrictDirectory, writeFileAtomic } from './atomic-file.ts'
import { BACKDATE_MS, type CertificateAuthority } from './certificate-authority.ts'
import { tlsNameProblem } from './tls-names.ts'
import { CERTIFICATE_FILE_MODE, KEY_FILE_MODE, tlsFiles } from './tls-files.ts'
import { KEY_ALGORITHM, altNameKey, certificateAltNames, generateKeyPair, privateKeyToPem, randomSerialNumber, x509 } from './x509.ts'

export const NODE_VALIDITY_DAYS = 365
export const RENEW_BEFORE_DAYS = 30
const DAY_MS = 24 * 60 * 60 * 1000
/** RFC 5280 caps a CN at 64 characters. */
const MAX_COMMON_NAME = 64

export interface NodeCertificate {
  certificatePem: string
  keyPem: string
  notAfter: Date
  /** Its subject alternative names as `dns:name` / `ip:address`. */
  altNames: string[]
}

export interface LoadedNodeCertificate {
  certificate: NodeCertificate
  /** Why a new certificate was issued by this call ('missing', 'names changed' ...); undefined when reused. */
  issuedBecause: string | undefined
}

/** The distinct SAN keys of `names`, in first-seen order. */
function wantedAltNames (names: readonly string[]): string[] {
  if (names.length === 0) throw new ServiceError('TLS_MATERIAL_INVALID', 'a node certificate needs at least one name')
  for (const name of names) {
    const problem = tlsNameProblem(name)
    if (problem !== undefined) throw new ServiceError('TLS_MATERIAL_INVALID', `cannot put ${problem} in the node certificate`)
  }
  return [...new Set(names.map(altNameKey))]
}

function sameSet (a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every(item => right.has(item))
}

async function reissueReason (certificatePem: string, keyPem: string, ca: CertificateAuthority, wanted: string[], now: Date): Promise<string | undefined> {
  let certificate: x509.X509Certificate
  try {
    certificate = new x509.X509Certificate(certificatePem)
    if (!new NodeX509Certificate(certificatePem).checkPrivateKey(createPrivateKey(keyPem))) return 'its key does not match'
  } catch {
    return 'unreadable'
  }
  if (!await certificate.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true })) return 'not signed by the current CA'
  if (!sameSet(certificateAltNames(certificate), wanted)) return 'names changed'
  if (certificate.notBefore.getTime() > now.getTime()) return 'not yet valid'
  if (certificate.notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return 'expires soon'
  return undefined
}

/**
 * Returns the node certificate in <dataDir>/tls/ when it still fits `names` (the first one is also
 * the subject's CN), or issues, stores and returns a new one.
 */
export async function loadOrIssueNodeCertificate (
  dataDir: string, ca: CertificateAuthority, names: readonly string[], now: Date = new Date()
): Promise<LoadedNodeCertificate> {
  const files = tlsFiles(dataDir)
  const wanted = wantedAltNames(names)
  let issuedBecause = 'missing'
  if (existsSync(files.nodeCertificate) && existsSync(files.nodeKey)) {
    const certificatePem = await readFile(files.nodeCertificate, 'utf8')
    const keyPem = await readFile(files.nodeKey, 'utf8')
    const reason = await reissueReason(certificatePem, keyPem, ca, wanted, now)
    if (reason === undefined) {
      const parsed = new x509.X509Certificate(certificatePem)
      return { certificate: { certificatePem, keyPem, notAfter: parsed.notAfter, altNames: certificateAltNames(parsed) }, issuedBecause: undefined }
    }
    issuedBecause = reason
  }
  const certificate = await issueNodeCertificate(ca, names[0]!, wanted, now)
  await mkdir(files.dir, { recursive: true })
  await restrictDirectory(files.dir)
  await writeFileAtomic(files.nodeKey, certificate.keyPem, KEY_FILE_MODE)
  await writeFileAtomic(files.nodeCertificate, certificate.certificatePem, CERTIFICATE_FILE_MODE)
  return { certificate, issuedBecause }
}

async function issueNodeCertificate (ca: CertificateAuthority, commonName: string, altNames: string[], now: Date): Promise<NodeCertificate> {
  const keys = await generateKeyPair()
  const notAfter = new Date(now.getTime() + NODE_VALIDITY_DAYS * DAY_MS)
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [commonName.slice(0, MAX_COMMON_NAME)] }, { O: ['Skiff'] }],
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: notAfter < ca.certificate.notAfter ? notAfter : ca.certificate.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(altNames.map(key => key.startsWith('ip:')
        ? { type: 'ip' as const, value: key.slice(3) }
        : { type: 'dns' as const, value: key.slice(4) })),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey)
    ]
  })
  return {
    certificatePem: certificate.toString('pem') + '\n',
    keyPem: await privateKeyToPem(keys.privateKey),
    notAfter: certificate.notAfter,
    altNames
  }
}
