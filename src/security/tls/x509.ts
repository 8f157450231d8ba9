// The one place that loads @peculiar/x509 (X.509 generation on Node's own WebCrypto): key pairs,
// PEM conversions and the certificate fields Skiff reads back. The library resolves its parts
// through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { randomBytes, webcrypto } from 'node:crypto'
import { isIP } from 'node:net'

const crypto = webcrypto as unknown as Crypto
x509.cryptoProvider.set(crypto)

export { x509 }

/**
 * ECDSA P-256 with SHA-256: accepted by OpenSSL 1.1/3 (librdkafka, Python ssl), Node, Java and Go,
 * and generated in a millisecond where RSA 2048 takes tens of them.
 */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

export async function generateKeyPair (): Promise<CryptoKeyPair> {
  return await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])
}

export async function privateKeyToPem (key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

/** Imports a PKCS#8 PEM key made by `privateKeyToPem` for signing. */
export async function importSigningKey (pem: string): Promise<CryptoKey> {
  const [der] = x509.PemConverter.decode(pem)
  if (der === undefined) throw new Error('no PEM block found')
  return await crypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign'])
}

/** A positive 128-bit serial number in hex (RFC 5280: at most 20 octets, positive, unpredictable). */
export function randomSerialNumber (): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return bytes.toString('hex')
}

/** IP addresses in one spelling (IPv6 compressed, lower case), so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
export function canonicalIp (address: string): string {
  if (isIP(address) !== 6) return address
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}

/** A subject alternative name as `dns:name` or `ip:address`, the form Skiff compares SAN sets in. */
export function altNameKey (name: string): string {
  return isIP(name) !== 0 ? `ip:${canonicalIp(name)}` : `dns:${name.toLowerCase()}`
}

/** The certificate's DNS and IP subject alternative names, as `altNameKey` spells them. */
export function certificateAltNames (certificate: x509.X509Certificate): string[] {
  const extension = certificate.getExtension(x509.SubjectAlternativeNameExtension)
  if (extension === null) return []
  return extension.names.items
    .filter(name => name.type === 'dns' || name.type === 'ip')
    .map(name => name.type === 'ip' ? `ip:${canonicalIp(name.value)}` : `dns:${name.value.toLowerCase()}`)
}
