// Where the generated TLS material lives: <data-dir>/tls/, owner-only, keys mode 0600.
import { join } from 'node:path'

export const KEY_FILE_MODE = 0o600
export const CERTIFICATE_FILE_MODE = 0o644

export interface TlsFiles {
  dir: string
  caCertificate: string
  caKey: string
  nodeCertificate: string
  nodeKey: string
}

export function tlsFiles (dataDir: string): TlsFiles {
  const dir = join(dataDir, 'tls')
  return {
    dir,
    caCertificate: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    nodeCertificate: join(dir, 'node.crt'),
    nodeKey: join(dir, 'node.key')
  }
}
