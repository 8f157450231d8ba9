// Host names of tenant clusters when one TLS port serves them all (clusterEndpoints.domain): the
// MSK Serverless scheme `boot-<short id>.<domain>`, which a client sends as its TLS SNI name and
// which the cluster's Metadata advertises, so the operator needs only one wildcard DNS record.

/** Hex digits of the cluster id kept in its host name: 8, as MSK's `boot-xxxxxxxx` names have. */
export const SHORT_ID_LENGTH = 8

/** The first hex digits of the cluster id (for `<uuid>-s1` ids, of the UUID). */
export function shortClusterId (clusterId: string): string {
  const digits = clusterId.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, SHORT_ID_LENGTH)
  if (digits === '') throw new Error(`cluster id ${JSON.stringify(clusterId)} has no letters or digits to name it by`)
  return digits
}

/** `boot-<short id>.<domain>`: the cluster's bootstrap host name. */
export function clusterHostName (clusterId: string, domain: string): string {
  return `boot-${shortClusterId(clusterId)}.${normalizeHostName(domain)}`
}

/** Host names compare without case and without a trailing dot (RFC 6066: SNI carries no trailing dot). */
export function normalizeHostName (name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}
