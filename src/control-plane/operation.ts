// What a control-plane operation is: its AWS name, method and path (spec 6.2), and a handler from
// the parsed request to the JSON answer. The server (server.ts) verifies the signature first and
// hands the handler a context with the caller and the checks every cluster operation shares.
import type { FastifyRequest } from 'fastify'
import type { Catalog, ClusterRecord } from '../storage/catalog.ts'
import { clusterArnProblem, parseClusterArn } from '../security/iam/arn.ts'
import { controlPlaneActionFor } from '../security/iam/control-plane-actions.ts'
import type { ContextValue } from '../security/iam/request-context.ts'
import type { ClusterEndpoints, ClusterLifecycle } from './cluster-lifecycle.ts'
import { badRequest, notFound } from './errors.ts'
import type { Caller } from './sigv4.ts'

export interface OperationContext {
  operation: string
  caller: Caller
  request: FastifyRequest
  /** The parsed JSON body: an object ({} when the request has none). */
  body: Record<string, unknown>
  catalog: Catalog
  clusters: ClusterLifecycle
  endpoints: ClusterEndpoints
}

export interface ControlPlaneOperation {
  /** As AWS names it, e.g. CreateClusterV2; its IAM action is kafka:<name>. */
  name: string
  method: 'GET' | 'POST' | 'DELETE'
  /** A fastify route; `:clusterArn` / `:resourceArn` match one percent-encoded segment. */
  url: string
  /** 200 with the returned JSON, or 204 with no body (TagResource, UntagResource). */
  successStatus: 200 | 204
  handle: (context: OperationContext) => Promise<object | undefined>
}

export function defineOperation (operation: ControlPlaneOperation): ControlPlaneOperation {
  if (controlPlaneActionFor('kafka', operation.name) === undefined) throw new Error(`no kafka:${operation.name} action is known`)
  return operation
}

/** Throws ForbiddenException unless the caller may do this operation on the resource. */
export async function authorizeOperation (
  context: OperationContext,
  resource: string,
  fields: { resourceTags?: Readonly<Record<string, string>>, extra?: Readonly<Record<string, ContextValue>> } = {}
): Promise<void> {
  await context.caller.authorize({ action: `kafka:${context.operation}`, resource, ...fields })
}

/** The path parameter as the client meant it (fastify has percent-decoded it once). */
export function pathParameter (context: OperationContext, name: string): string {
  const value = (context.request.params as Record<string, string | undefined>)[name]
  if (value === undefined || value === '') throw badRequest(`${name} is required`, name)
  return value
}

/**
 * The caller's cluster of this ARN: a malformed ARN is BadRequestException, a cluster that is not
 * there (or is another account's) NotFoundException, after the caller's permission is checked on
 * the ARN (with the cluster's tags when it exists), as AWS checks permission first.
 */
export async function findCluster (context: OperationContext, arn: string, parameter: string): Promise<{ cluster: ClusterRecord, tags: Record<string, string> }> {
  const problem = clusterArnProblem(arn)
  if (problem !== undefined) throw badRequest(problem, parameter)
  const parts = parseClusterArn(arn)!
  const stored = await context.catalog.getCluster(parts.clusterUuid)
  const cluster = stored !== undefined && stored.arn === arn && stored.accountId === context.caller.principal.accountId ? stored : undefined
  const tags = cluster === undefined ? {} : await context.catalog.getClusterTags(cluster.clusterId)
  await authorizeOperation(context, arn, cluster === undefined ? {} : { resourceTags: tags })
  if (cluster === undefined) throw notFound(`The specified cluster was not found: ${arn}`, parameter)
  return { cluster, tags }
}
