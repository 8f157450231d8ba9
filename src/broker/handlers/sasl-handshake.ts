// SaslHandshake (key 17), v0-1: the client names its SASL mechanism. An IAM listener takes
// AWS_MSK_IAM and OAUTHBEARER (an MSK IAM token); any other (PLAIN, SCRAM-*, GSSAPI) answers
// UNSUPPORTED_SASL_MECHANISM with the list, is logged as IAM-only, and the connection closes, as
// Kafka's authenticator does. After v0 the client sends its SASL token as a bare size-prefixed frame
// instead of a SaslAuthenticate request (kafka-python 2.0.x does this); the connection reads it
// (session.expectsRawSaslToken). On a listener without SASL the request is out of place
// (ILLEGAL_SASL_STATE), the connection staying open, as Kafka's KafkaApis answers it.
import { SaslHandshakeApi } from '../../protocol/messages/sasl-handshake.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'
import { SASL_MECHANISMS, type SaslMechanism } from '../session.ts'

export const saslHandshakeHandler = defineHandler({
  api: SaslHandshakeApi,
  versions: { min: 0, max: 1 },
  async handle (request, { session, logger, clientId, apiVersion }) {
    const mechanisms = [...SASL_MECHANISMS]
    if (!session.requiresSasl) {
      logger.info({ clientId, mechanism: request.mechanism }, 'SaslHandshake on a listener without SASL')
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
    }
    if (!SASL_MECHANISMS.includes(request.mechanism as SaslMechanism)) {
      logger.warn({ clientId, mechanism: request.mechanism, accepted: mechanisms },
        `SASL mechanism ${request.mechanism} refused: this cluster accepts IAM authentication only (AWS_MSK_IAM or OAUTHBEARER with an MSK IAM token)`)
      session.closeAfterResponse = true
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
    }
    if (session.mechanism !== undefined && session.isAuthenticated && session.mechanism !== request.mechanism) {
      logger.warn({ clientId, mechanism: request.mechanism, previous: session.mechanism }, 're-authentication with another SASL mechanism refused')
      session.closeAfterResponse = true
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
    }
    session.mechanism = request.mechanism as SaslMechanism
    session.expectsRawSaslToken = apiVersion === 0
    return { errorCode: 0, mechanisms }
  }
})
