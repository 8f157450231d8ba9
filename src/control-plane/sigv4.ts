// Who is calling and whether they may: every control-plane request is SigV4-verified (service
// `kafka`, the node's region) against the node's identities, then each operation authorises its
// `kafka:*` action on its resource ARN with the caller's identity policies (the Authorizer's,
// refreshed first so that a policy change applies to the very next request). Refusals are
// UnauthorizedException (no or bad signature) and ForbiddenException (no policy allows), spec 6.3.
import type { FastifyRequest } from 'fastify'
import type { Clock } from '../common/clock.ts'
import type { Logger } from '../common/logger.ts'
import type { Authorizer } from '../security/authorizer.ts'
import type { Principal } from '../security/identity.ts'
import { explainDecision } from '../security/iam/policy-evaluator.ts'
import { RequestContext, principalContext, type ContextValue } from '../security/iam/request-context.ts'
import { verifyHeaderSignature } from '../security/sigv4/header-signature.ts'
import type { SigV4Refused } from '../security/sigv4/verification.ts'
import { ControlPlaneError } from './errors.ts'

export const CONTROL_PLANE_SERVICE = 'kafka'

export interface CallerOptions {
  /** The node's identities and policies; undefined: none are configured and every request is refused, saying so. */
  authorizer: Authorizer | undefined
  region: string
  clock: Clock
  logger: Logger
}

/** What an operation asks: may the caller do `action` on `resource`? */
export interface AuthorizationCheck {
  action: string
  resource: string
  /** The cluster's tags (aws:ResourceTag/<key>) when the resource is an existing cluster. */
  resourceTags?: Readonly<Record<string, string>>
  /** Request keys such as aws:TagKeys and aws:RequestTag/<key>. */
  extra?: Readonly<Record<string, ContextValue>>
}

/** An authenticated caller. */
export interface Caller {
  principal: Principal
  accessKeyId: string
  /** Throws ForbiddenException unless the caller's policies allow the check. */
  authorize: (check: AuthorizationCheck) => Promise<void>
}

function unauthorized (refusal: SigV4Refused): ControlPlaneError {
  switch (refusal.reason) {
    case 'missing-authorization':
      return new ControlPlaneError('UnauthorizedException', 'Missing Authentication Token: sign the request with AWS Signature Version 4 for service kafka')
    case 'unknown-key':
      return new ControlPlaneError('UnauthorizedException', `The security token included in the request is invalid: ${refusal.message}`)
    case 'bad-signature':
      return new ControlPlaneError('UnauthorizedException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.')
    case 'expired':
    case 'not-yet-valid':
      return new ControlPlaneError('UnauthorizedException', `Signature expired or not yet valid: ${refusal.message} (check the clock)`)
    default:
      return new ControlPlaneError('UnauthorizedException', `The request signature is not valid: ${refusal.message}`)
  }
}

/**
 * Repeated headers as arrays (SigV4 joins repeats with ","). Node's IncomingMessage has them as
 * headersDistinct; fastify.inject's request only as rawHeaders.
 */
function distinctHeaders (request: FastifyRequest): Record<string, string[]> {
  const raw = request.raw as { headersDistinct?: Record<string, string[]>, rawHeaders?: string[] }
  if (raw.headersDistinct !== undefined) return raw.headersDistinct
  const headers: Record<string, string[]> = {}
  const pairs = raw.rawHeaders ?? []
  for (let index = 0; index + 1 < pairs.length; index += 2) {
    const name = pairs[index]!.toLowerCase()
    headers[name] = [...(headers[name] ?? []), pairs[index + 1]!]
  }
  return headers
}

/** Authenticates requests and gives each caller its authorisation check. */
export class CallerAuthenticator {
  readonly #options: CallerOptions

  constructor (options: CallerOptions) {
    this.#options = options
  }

  async authenticate (request: FastifyRequest, body: Uint8Array): Promise<Caller> {
    const { authorizer, region, clock } = this.#options
    if (authorizer === undefined) {
      throw new ControlPlaneError('UnauthorizedException',
        'This Skiff node has no identities configured, so it accepts no control-plane request: start it with an identity directory')
    }
    const url = request.raw.url ?? '/'
    const queryStart = url.indexOf('?')
    const verification = await verifyHeaderSignature({
      method: request.method,
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      headers: distinctHeaders(request),
      body
    }, {
      services: [CONTROL_PLANE_SERVICE],
      region,
      clock,
      lookup: async accessKeyId => await authorizer.identities.lookupAccessKey(accessKeyId)
    })
    if (!verification.ok) {
      this.#options.logger.info({ reason: verification.reason, detail: verification.message, client: request.ip }, 'control-plane request refused: signature')
      throw unauthorized(verification)
    }
    const principal = verification.principal
    return {
      principal,
      accessKeyId: verification.accessKeyId,
      authorize: async check => {
        await authorizer.refresh()
        const policies = await authorizer.policiesFor(principal)
        const context = new RequestContext({
          ...principalContext(principal),
          sourceIp: request.ip,
          currentTimeMs: clock.nowMs(),
          isSecureTransport: request.protocol === 'https',
          resourceTags: check.resourceTags,
          extra: check.extra
        })
        const decision = policies.evaluate({ action: check.action, resource: check.resource, context, resourceType: 'cluster' })
        if (decision.isAllowed) return
        const why = explainDecision(decision)
        this.#options.logger.info({ principal: principal.arn, action: check.action, resource: check.resource, why }, 'control-plane request denied')
        throw new ControlPlaneError('ForbiddenException',
          `User: ${principal.arn} is not authorized to perform: ${check.action} on resource: ${check.resource} (${why})`)
      }
    }
  }
}
