// What may stand in a certificate's subject alternative names: DNS names (a `*.` wildcard allowed)
// and IP addresses. Kept free of the X.509 library so config validation can use it.
import { isIP } from 'node:net'

const DNS_LABEL = /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/

/** Why `name` cannot be a SAN, or undefined when it can. */
export function tlsNameProblem (name: string): string | undefined {
  if (isIP(name) !== 0) return undefined
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.')
  const isValid = name.length <= 253 && labels.every(label => DNS_LABEL.test(label))
  return isValid ? undefined : `'${name}' is neither a DNS name nor an IP address`
}

/**
 * Why `domain` cannot hold tenant clusters' host names (`boot-<id>.<domain>`, covered by a
 * `*.<domain>` certificate name), or undefined when it can. TLS clients refuse a wildcard over a
 * top-level domain alone (`*.internal`), so it needs two labels or more.
 */
export function clusterDomainProblem (domain: string): string | undefined {
  if (isIP(domain) !== 0) return `'${domain}' is an IP address, not a DNS domain`
  if (domain.startsWith('*.')) return `'${domain}' must be given without '*.' (Skiff adds the wildcard to the certificate itself)`
  const problem = tlsNameProblem(`*.${domain}`)
  if (problem !== undefined) return `'${domain}' is not a DNS domain`
  if (domain.split('.').length < 2) return `'${domain}' has one label; TLS clients refuse a wildcard certificate over it: give two or more (e.g. kafka.${domain})`
  return undefined
}
