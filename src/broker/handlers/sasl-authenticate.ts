// SaslAuthenticate (key 36), v0-2: the client's first (and only) SASL message for the mechanism
// SaslHandshake chose, verified as an MSK IAM SigV4 signature and checked for
// kafka-cluster:Connect. Success answers empty auth bytes (AWS_MSK_IAM: its JSON) and, from v1, the
// session lifetime: until the credential expires, at most sasl.maxSessionLifetimeMs; clients
// re-authenticate before then (KIP-368) and must stay the same principal. Failure answers
// SASL_AUTHENTICATION_FAILED with "[<request id>]: Access denied", as MSK does, logs the reason
// with that request id, and closes the connection.
import { SaslAuthenticateApi, type SaslAuthenticateResponse } from '../../protocol/messages/sasl-authenticate.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { authenticateMskIam } from '../../security/sasl/msk-iam-authenticator.ts'
import { defineHandler } from '../handler.ts'

function failure (errorCode: number, errorMessage: string): SaslAuthenticateResponse {
  return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
}

export const saslAuthenticateHandler = defineHandler({
  api: SaslAuthenticateApi,
  versions: { min: 0, max: 2 },
  async handle (request, { session, services, clusterId, logger, clientId }) {
    const { mechanism } = session
    if (!session.requiresSasl) return failure(ErrorCode.ILLEGAL_SASL_STATE, 'this listener does not use SASL')
    if (mechanism === undefined) {
      logger.warn({ clientId }, 'SaslAuthenticate without a SaslHandshake first')
      session.closeAfterResponse = true
      return failure(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate must follow a SaslHandshake')
    }
    const outcome = await authenticateMskIam({
      mechanism, authBytes: request.authBytes, cluster: services.clusterArn(clusterId), authorizer: services.authorizer, clock: services.clock
    })
    if (!outcome.isAuthenticated) {
      logger.warn({ clientId, mechanism, requestId: outcome.requestId, reason: outcome.reason }, 'SASL authentication failed')
      session.closeAfterResponse = true
      return failure(ErrorCode.SASL_AUTHENTICATION_FAILED, `[${outcome.requestId}]: Access denied`)
    }
    const { principal } = outcome
    if (session.principal !== undefined && session.principal.arn !== principal.arn) {
      logger.warn({ clientId, principal: principal.arn, previous: session.principal.arn }, 'SASL re-authentication as another principal refused')
      session.closeAfterResponse = true
      return failure(ErrorCode.SASL_AUTHENTICATION_FAILED, 'Cannot change principals during re-authentication')
    }
    const nowMs = services.clock.nowMs()
    const lifetimeMs = Math.max(1, Math.min(outcome.expiresAtMs - nowMs, services.config.sasl.maxSessionLifetimeMs))
    const isReauthentication = session.principal !== undefined
    session.principal = principal
    session.expiresAtMs = nowMs + lifetimeMs
    session.usePolicies(outcome.policies, outcome.generation)
    logger.info({ clientId, mechanism, principal: principal.arn, sessionLifetimeMs: lifetimeMs },
      isReauthentication ? 'SASL re-authenticated' : 'SASL authenticated')
    return { errorCode: 0, errorMessage: null, authBytes: outcome.responseBytes, sessionLifetimeMs: lifetimeMs }
  }
})
