// TLS material the operator brings (--tls-cert, --tls-key, optional --tls-ca): read and checked at
// start, so a wrong file is a clear error instead of every client failing its handshake.
import { readFile } from 'node:fs/promises'
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { ServiceError } from '../../common/errors.ts'

export interface OperatorFiles {
  certFile: string
  keyFile: string
  caFile?: string
}

export interface OperatorMaterial {
  /** The certificate file as given: the node certificate first, then any intermediates. */
  certificatePem: string
  keyPem: string
  caPem: string | undefined
  notAfter: Date
}

function invalid (message: string, cause?: unknown): ServiceError {
  return new ServiceError('TLS_MATERIAL_INVALID', message, { cause })
}

async function readText (flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw invalid(`cannot read the ${flag} file ${file}: ${(error as Error).message}`, error)
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Every certificate in a PEM file, in file order. */
export function parseCertificates (flag: string, file: string, pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw invalid(`the ${flag} file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block)
    } catch (error) {
      throw invalid(`certificate ${index + 1} in the ${flag} file ${file} cannot be parsed: ${(error as Error).message}`, error)
    }
  })
}

/** True when `leaf` chains up to one of `anchors`, possibly through `intermediates`. */
function chainsTo (leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[]): boolean {
  let current = leaf
  for (let depth = 0; depth <= intermediates.length; depth++) {
    const isSignedBy = (issuer: X509Certificate): boolean => current.checkIssued(issuer) && current.verify(issuer.publicKey)
    if (anchors.some(isSignedBy)) return true
    const next = intermediates.find(candidate => candidate !== current && isSignedBy(candidate))
    if (next === undefined) return false
    current = next
  }
  return false
}

export async function loadOperatorMaterial (files: OperatorFiles, now: Date = new Date()): Promise<OperatorMaterial> {
  const certificatePem = await readText('--tls-cert', files.certFile)
  const keyPem = await readText('--tls-key', files.keyFile)
  const [leaf, ...intermediates] = parseCertificates('--tls-cert', files.certFile, certificatePem)
  let key: KeyObject
  try {
    key = createPrivateKey(keyPem)
  } catch (error) {
    throw invalid(`the --tls-key file ${files.keyFile} holds no usable private key (an unencrypted PEM key is needed): ${(error as Error).message}`, error)
  }
  if (!leaf!.checkPrivateKey(key)) throw invalid(`the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`)
  const notAfter = new Date(leaf!.validTo)
  if (notAfter.getTime() <= now.getTime()) throw invalid(`the certificate in ${files.certFile} expired on ${notAfter.toISOString()}`)
  let caPem: string | undefined
  if (files.caFile !== undefined) {
    caPem = await readText('--tls-ca', files.caFile)
    const anchors = parseCertificates('--tls-ca', files.caFile, caPem)
    if (!chainsTo(leaf!, intermediates, anchors)) {
      throw invalid(`the certificate in ${files.certFile} (issuer ${leaf!.issuer.replaceAll('\n', ', ')}) is not signed by the CA in ${files.caFile}`)
    }
  }
  return { certificatePem, keyPem, caPem, notAfter }
}
