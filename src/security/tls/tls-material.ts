// What the TLS listener serves: the operator's files when given, otherwise Skiff's own CA and a node
// certificate it signed (both created on first start and reused after). One call for app.ts.
import { loadOrCreateCertificateAuthority } from './certificate-authority.ts'
import { loadOrIssueNodeCertificate } from './node-certificate.ts'
import { loadOperatorMaterial } from './operator-files.ts'

export interface TlsMaterial {
  /** PEM chain the listener presents, node certificate first. */
  certificatePem: string
  keyPem: string
  /** The CA certificate(s) clients should trust (ssl.ca.location); undefined for operator files without --tls-ca. */
  caPem: string | undefined
  notAfter: Date
  source: 'generated' | 'operator'
  /** For generated material: whether this call created the CA, and why it issued a node certificate (undefined: reused). */
  caCreated: boolean
  nodeCertificateIssuedBecause: string | undefined
}

export interface TlsMaterialOptions {
  dataDir: string
  /** Names for the generated node certificate's SANs (DNS names or IP addresses); the first is its CN. */
  names: readonly string[]
  /** Operator files; when certFile and keyFile are set nothing is generated. */
  certFile?: string
  keyFile?: string
  caFile?: string
  now?: Date
}

export async function loadTlsMaterial (options: TlsMaterialOptions): Promise<TlsMaterial> {
  const now = options.now ?? new Date()
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    const material = await loadOperatorMaterial({ certFile: options.certFile, keyFile: options.keyFile, caFile: options.caFile }, now)
    return { ...material, source: 'operator', caCreated: false, nodeCertificateIssuedBecause: undefined }
  }
  const { ca, created } = await loadOrCreateCertificateAuthority(options.dataDir, now)
  const { certificate, issuedBecause } = await loadOrIssueNodeCertificate(options.dataDir, ca, options.names, now)
  return {
    certificatePem: certificate.certificatePem,
    keyPem: certificate.keyPem,
    caPem: ca.certificatePem,
    notAfter: certificate.notAfter,
    source: 'generated',
    caCreated: created,
    nodeCertificateIssuedBecause: issuedBecause
  }
}

/** The PEM of Skiff's CA in `dataDir`, created when there is none yet (`skiff ca`). */
export async function certificateAuthorityPem (dataDir: string): Promise<string> {
  const { ca } = await loadOrCreateCertificateAuthority(dataDir)
  return ca.certificatePem
}
