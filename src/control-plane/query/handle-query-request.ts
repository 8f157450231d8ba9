// The IAM and STS APIs over the AWS query protocol (`POST /` with a form body, XML answers), free
// of any HTTP framework: the control-plane server hands each request here. Steps: parse the
// parameters, verify the SigV4 signature against the Catalog's keys (service iam or sts, as the
// Action belongs to; region us-east-1, where the CLI signs the global IAM, or the node's own),
// authorise the `iam:*`/`sts:*` action on its resource with the caller's identity policies, run
// the operation, answer XML. Every failure is an `<ErrorResponse>` the AWS CLI and SDKs print.
import { randomUUID } from 'node:crypto'
import { systemClock, type Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/logger.ts'
import type { Authorizer } from '../../security/authorizer.ts'
import { controlPlaneActionFor } from '../../security/iam/control-plane-actions.ts'
import { RequestContext, principalContext } from '../../security/iam/request-context.ts'
import type { Principal } from '../../security/identity.ts'
import type { IdentityStore } from '../../security/identity-store.ts'
import { verifyHeaderSignature, type SignedHttpRequest } from '../../security/sigv4/header-signature.ts'
import { IAM_OPERATIONS } from '../iam/operations/index.ts'
import { STS_OPERATIONS } from '../sts/operations/index.ts'
import { parseFormParameters } from './form-body.ts'
import { QueryError, authenticationError, queryErrorFor } from './query-errors.ts'
import type { QueryOperation, QueryOperationContext, QueryService } from './query-operation.ts'
import { QueryParams } from './query-params.ts'
import { QUERY_SERVICES, errorResponse, resultResponse, type QueryHttpResponse } from './query-responses.ts'

export type { QueryHttpResponse } from './query-responses.ts'

export interface QueryHttpRequest extends SignedHttpRequest {
  /** The client's address, for aws:SourceIp in policy conditions. */
  sourceIp?: string
  /** Whether the request came over TLS, for aws:SecureTransport. */
  isSecureTransport?: boolean
}

export interface QueryDependencies {
  store: IdentityStore
  authorizer: Authorizer
  logger: Logger
  /** The node's region; signatures scoped to it or to us-east-1 are accepted. */
  region: string
  clock?: Clock
  newRequestId?: () => string
}

/** The region AWS signs the global IAM (and the global STS endpoint) in. */
export const GLOBAL_SIGNING_REGION = 'us-east-1'

const OPERATIONS: ReadonlyMap<string, QueryOperation> = new Map([...IAM_OPERATIONS, ...STS_OPERATIONS].map(operation => [operation.action, operation]))

/** The Actions served, for the server's routing and for docs. */
export const QUERY_ACTIONS: readonly string[] = [...OPERATIONS.keys()]

/**
 * The signing service named in the request's Authorization header (`iam`, `sts`, `monitoring` ...),
 * or undefined: lets a server that also serves other query APIs at `POST /` route before reading the body.
 */
export function signingServiceOf (headers: SignedHttpRequest['headers']): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || value === undefined) continue
    const text = typeof value === 'string' ? value : value[0] ?? ''
    return /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(text)?.[1]
  }
  return undefined
}

export async function handleQueryRequest (request: QueryHttpRequest, deps: QueryDependencies): Promise<QueryHttpResponse> {
  const requestId = (deps.newRequestId ?? randomUUID)()
  const signedFor = signingServiceOf(request.headers)
  let service: QueryService = signedFor === 'sts' ? 'sts' : 'iam'
  let action: string | undefined
  let caller: Principal | undefined
  try {
    const params = new QueryParams(readParameters(request))
    action = params.action
    const operation = action === undefined ? undefined : OPERATIONS.get(action)
    if (operation !== undefined) service = operation.service
    caller = await authenticate(request, deps, operation === undefined ? ['iam', 'sts'] : [operation.service])
    if (action === undefined || action === '') throw new QueryError('MissingAction', 400, 'The request must contain the parameter Action')
    const version = params.version ?? QUERY_SERVICES[service].version
    if (operation === undefined || version !== QUERY_SERVICES[service].version) {
      throw new QueryError('InvalidAction', 400, `Could not find operation ${action} for version ${version}`)
    }
    const context: QueryOperationContext = { params, caller, accountId: caller.accountId, store: deps.store, clock: deps.clock ?? systemClock }
    await authorize(operation, context, request, deps)
    const result = await operation.run(context)
    // This node's policy cache sees the change at once; other nodes within the Authorizer's refresh interval.
    if (operation.isMutating) await deps.authorizer.refresh()
    return resultResponse(service, operation.action, result, requestId)
  } catch (error) {
    const refusal = queryErrorFor(error)
    if (refusal !== undefined) {
      deps.logger.debug({ requestId, service, action, caller: caller?.arn, code: refusal.code, message: refusal.message }, 'IAM/STS request refused')
      return errorResponse(service, refusal, requestId)
    }
    deps.logger.error({ err: error, requestId, service, action, caller: caller?.arn }, 'IAM/STS request failed')
    const code = service === 'iam' ? 'ServiceFailure' : 'InternalFailure'
    return errorResponse(service, new QueryError(code, 500, `The request processing has failed because of an unknown error (request id ${requestId}).`), requestId)
  }
}

function readParameters (request: QueryHttpRequest): Map<string, string> {
  const method = request.method.toUpperCase()
  if (method === 'GET') return parseFormParameters(request.query)
  if (method !== 'POST') throw new QueryError('MalformedQueryString', 400, `The IAM and STS APIs take POST (or GET) requests, not ${method}`)
  const contentType = headerValue(request.headers, 'content-type') ?? ''
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    throw new QueryError('MalformedQueryString', 400, `The IAM and STS APIs take Content-Type application/x-www-form-urlencoded, not '${contentType.slice(0, 80)}'`)
  }
  return parseFormParameters(request.body)
}

function headerValue (headers: SignedHttpRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return typeof value === 'string' ? value : value[0]
  }
  return undefined
}

async function authenticate (request: QueryHttpRequest, deps: QueryDependencies, services: readonly QueryService[]): Promise<Principal> {
  const verification = await verifyHeaderSignature(request, {
    services,
    lookup: async accessKeyId => await deps.store.lookupAccessKey(accessKeyId),
    clock: deps.clock
  })
  if (!verification.ok) {
    deps.logger.info({ reason: verification.reason, detail: verification.message }, 'IAM/STS request signature refused')
    throw authenticationError(verification, services.join(' or '))
  }
  if (verification.region !== GLOBAL_SIGNING_REGION && verification.region !== deps.region) {
    throw authenticationError({ ok: false, reason: 'wrong-region', message: `signed for region ${verification.region}, this endpoint accepts ${GLOBAL_SIGNING_REGION} or ${deps.region}` }, verification.service)
  }
  return verification.principal
}

/** IAM's identity-policy check: one Allow and no Deny for the operation's action on its resource. */
async function authorize (operation: QueryOperation, context: QueryOperationContext, request: QueryHttpRequest, deps: QueryDependencies): Promise<void> {
  if (operation.authorization !== 'policy') return
  const action = controlPlaneActionFor(operation.service, operation.action)?.action
  if (action === undefined || operation.resource === undefined) throw new Error(`${operation.service}:${operation.action} declares policy authorization without an action and a resource`)
  const resource = await operation.resource(context)
  const { caller } = context
  const policies = await deps.authorizer.policiesFor(caller)
  const decision = policies.evaluate({
    action,
    resource,
    context: new RequestContext({
      ...principalContext(caller),
      sourceIp: request.sourceIp,
      currentTimeMs: context.clock.nowMs(),
      isSecureTransport: request.isSecureTransport
    })
  })
  if (decision.isAllowed) return
  deps.logger.info({ caller: caller.arn, action, resource, reason: decision.reason }, 'IAM/STS request denied by policy')
  const because = decision.reason === 'explicit-deny'
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`
  throw new QueryError('AccessDenied', 403, `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${because}`)
}
