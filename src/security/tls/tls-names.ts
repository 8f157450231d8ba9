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
