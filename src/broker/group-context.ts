// The caller of a group request as the group coordinator records it: cluster, API version, client
// id, and the client's address as Kafka reports clientHost ("/127.0.0.1").
import type { GroupRequestContext } from '../coordinators/group/group-coordinator.ts'
import type { RequestContext } from './handler.ts'

export function groupRequestContext (context: RequestContext): GroupRequestContext {
  const address = context.clientAddress
  const separator = address.lastIndexOf(':')
  return {
    clusterId: context.clusterId,
    apiVersion: context.apiVersion,
    clientId: context.clientId ?? '',
    clientHost: `/${separator === -1 ? address : address.slice(0, separator)}`
  }
}
