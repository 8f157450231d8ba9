// Partition "leadership" is only a routing hint: any node serves any partition. Spreading it over
// the live nodes by rendezvous hashing keeps it stable as nodes come and go (DESIGN.md).
import type { BrokerEndpoint } from './handler.ts'

function fnv1a (text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The brokers for one partition, leader first: the highest rendezvous scores, at most three (the reported replicas). */
export function partitionReplicas (topicId: string, partition: number, brokers: readonly BrokerEndpoint[]): number[] {
  if (brokers.length <= 1) return brokers.map(broker => broker.nodeId)
  return brokers
    .map(broker => ({ nodeId: broker.nodeId, score: fnv1a(`${broker.nodeId}/${topicId}/${partition}`) }))
    .sort((a, b) => b.score - a.score || a.nodeId - b.nodeId)
    .slice(0, 3)
    .map(entry => entry.nodeId)
}
