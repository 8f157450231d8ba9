// The TLS settings of the Kafka listener: TLS 1.2 and 1.3 only, forward-secret AEAD suites only, no
// renegotiation, and a handshake deadline so half-open TLS sockets do not pile up.
import { constants } from 'node:crypto'
import type { TlsOptions } from 'node:tls'
import type { TlsMaterial } from './tls-material.ts'

/** TLS 1.3 suites must be named too: Node turns TLS 1.3 off when `ciphers` lists none. */
export const TLS13_CIPHER_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']
/** TLS 1.2: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, for ECDSA and RSA certificates. */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305'
]

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

export function tlsServerOptions (material: Pick<TlsMaterial, 'certificatePem' | 'keyPem'>, handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS): TlsOptions {
  return {
    cert: material.certificatePem,
    key: material.keyPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...TLS13_CIPHER_SUITES, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout: handshakeTimeoutMs
  }
}
