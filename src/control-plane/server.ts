// The control-plane HTTP server on fastify: the AWS Kafka REST API (restJson1, spec 6), and on
// `POST /` the IAM and STS query APIs (query/handle-query-request.ts). Each request is read as raw
// bytes (SigV4 signs them), verified, parsed, handed to its operation, and answered with camelCase
// JSON (or XML for IAM/STS) or an AWS error shape (errors.ts).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Clock } from '../common/clock.ts'
import type { Logger } from '../common/logger.ts'
import type { Catalog } from '../storage/catalog.ts'
import type { Authorizer } from '../security/authorizer.ts'
import type { ClusterEndpoints, ClusterLifecycle } from './cluster-lifecycle.ts'
import { ControlPlaneError, badRequest, newRequestId, sendAwsError, toControlPlaneError } from './errors.ts'
import type { ControlPlaneOperation } from './operation.ts'
import { operations } from './operations/index.ts'
import { CallerAuthenticator } from './sigv4.ts'
import { isRecord } from './validation.ts'
import { handleQueryRequest, type QueryDependencies } from './query/handle-query-request.ts'

/** Largest request body accepted; CreateClusterV2 with 50 tags is a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024
const MAX_PARAMETER_LENGTH = 2048

export interface ControlPlaneOptions {
  catalog: Catalog
  clusters: ClusterLifecycle
  endpoints: ClusterEndpoints
  /** The node's identities and policies; undefined refuses every request, saying why. */
  authorizer: Authorizer | undefined
  region: string
  clock: Clock
  logger: Logger
  /** The IAM and STS APIs on `POST /`; left out, they are not served. */
  query?: QueryDependencies
}

function parseBody (raw: Buffer | undefined): Record<string, unknown> {
  if (raw === undefined || raw.length === 0) return {}
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!isRecord(value)) throw badRequest('The request body must be a JSON object')
  return value
}

/** Builds the server (not listening yet: call listen, or inject requests in tests). */
export function buildControlPlane (options: ControlPlaneOptions): FastifyInstance {
  // Cluster ARNs are path parameters of ~110 characters (fastify's default limit is 100).
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, genReqId: newRequestId, routerOptions: { maxParamLength: MAX_PARAMETER_LENGTH } })
  const authenticator = new CallerAuthenticator(options)
  const logger = options.logger.child({ component: 'control-plane' })

  // Every body as raw bytes whatever its content type: the signature covers them, and JSON errors
  // must be AWS-shaped.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-amzn-RequestId', request.id)
  })

  const route = (operation: ControlPlaneOperation) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : undefined
    const caller = await authenticator.authenticate(request, raw ?? new Uint8Array(0))
    const result = await operation.handle({
      operation: operation.name,
      caller,
      request,
      body: parseBody(raw),
      catalog: options.catalog,
      clusters: options.clusters,
      endpoints: options.endpoints
    })
    logger.debug({ operation: operation.name, principal: caller.principal.arn, requestId: request.id }, 'control-plane request served')
    if (operation.successStatus === 204) return await reply.code(204).send()
    return await reply.code(200).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(result ?? {})))
  }
  for (const operation of operations) app.route({ method: operation.method, url: operation.url, handler: route(operation) })

  const { query } = options
  if (query !== undefined) {
    app.post('/', async (request, reply) => {
      const [path = '/', rawQuery = ''] = request.raw.url?.split('?', 2) ?? []
      const answer = await handleQueryRequest({
        method: request.method,
        path,
        query: rawQuery,
        headers: request.raw.headersDistinct,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        sourceIp: request.ip,
        isSecureTransport: false
      }, query)
      return await reply.code(answer.statusCode).headers(answer.headers).send(answer.body)
    })
  }

  app.setNotFoundHandler(async (request, reply) => {
    return await sendAwsError(reply, new ControlPlaneError('NotFoundException', `No operation is served at ${request.method} ${request.url.split('?')[0] ?? ''}`))
  })
  app.setErrorHandler(async (error, request, reply) => {
    // fastify's own refusals (body too large, bad content length) are the client's.
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500
    const mapped = error instanceof ControlPlaneError || status >= 500
      ? toControlPlaneError(error)
      : { error: badRequest((error as Error).message), isInternal: false }
    if (mapped.isInternal) logger.error({ err: error, requestId: request.id, url: request.url }, 'control-plane request failed')
    return await sendAwsError(reply, mapped.error)
  })
  return app
}
