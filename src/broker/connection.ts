// One client connection: splits the byte stream into size-prefixed frames, decodes each request,
// runs its handler, and writes the responses in request order as lists of buffers. A frame that
// cannot be parsed closes the connection, as Kafka does. Reading pauses while too many requests
// are in flight or the client does not read its responses (backpressure, not buffering).
import type { Socket } from 'node:net'
import { Reader, DecodeError } from '../protocol/primitives/reader.ts'
import { readRequestHeader, encodeResponseFrame } from '../protocol/frame.ts'
import { ApiVersionsApi } from '../protocol/messages/api-versions.ts'
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../protocol/messages/sasl-authenticate.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import type { Logger } from '../common/logger.ts'
import type { Dispatcher } from './dispatcher.ts'
import type { BrokerServices, ListenerName, RequestContext } from './handler.ts'
import { ConnectionSession } from './session.ts'
import { RequestAccess } from './request-access.ts'
import type { ClusterArnParts } from '../security/iam/arn.ts'

const API_VERSIONS_KEY = 18
const SASL_AUTHENTICATE_KEY = 36
/** The requests a SASL listener takes before authentication (and for re-authentication, KIP-368). */
const SASL_STAGE_KEYS = new Set([API_VERSIONS_KEY, 17, SASL_AUTHENTICATE_KEY])
/** The largest frame a client may send before it has authenticated (Kafka's sasl.server.max.receive.size). */
const MAX_UNAUTHENTICATED_FRAME_BYTES = 512 * 1024
/** apiKey + apiVersion + correlationId: the least a request frame can hold. */
const MIN_FRAME_BYTES = 8
/** Unwritten response bytes beyond which the connection stops reading requests. */
const MAX_UNWRITTEN_BYTES = 64 * 1024 * 1024

interface ResponseSlot {
  chunks: Buffer[] | undefined
  /** The connection closes once this response is written. */
  isLast?: boolean
}

export interface ConnectionOptions {
  dispatcher: Dispatcher
  services: BrokerServices
  clusterId: string
  /** The listener that accepted the socket (the socket may be a TLS one; this class does not care). */
  listener: ListenerName
  logger: Logger
  maxRequestBytes: number
  maxInFlightRequests: number
  /** Clients must authenticate with SASL (MSK IAM) before anything but ApiVersions. */
  requiresSasl: boolean
}

export class Connection {
  readonly #socket: Socket
  readonly #options: ConnectionOptions
  readonly #logger: Logger
  readonly #clientAddress: string
  #chunks: Buffer[] = []
  #bufferedBytes = 0
  #frameBytes = -1
  #slots: ResponseSlot[] = []
  #isPausedForDrain = false
  #isClosed = false
  readonly #session: ConnectionSession
  /** The connection's cluster as IAM resources name it: the same for every request. */
  #clusterArn: ClusterArnParts | undefined

  constructor (socket: Socket, options: ConnectionOptions) {
    this.#socket = socket
    this.#options = options
    this.#clientAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    this.#logger = options.logger.child({ client: this.#clientAddress })
    this.#session = new ConnectionSession(options.requiresSasl)
    socket.setNoDelay(true)
    socket.on('data', data => this.#onData(data))
    socket.on('drain', () => {
      this.#isPausedForDrain = false
      this.#updateReading()
    })
    socket.on('error', error => this.#logger.debug({ err: error }, 'connection error'))
    socket.on('close', () => { this.#isClosed = true })
  }

  get clientAddress (): string {
    return this.#clientAddress
  }

  close (): void {
    this.#isClosed = true
    this.#socket.destroy()
  }

  #fail (message: string, details: Record<string, unknown> = {}): void {
    if (this.#isClosed) return
    this.#logger.warn(details, `closing connection: ${message}`)
    this.close()
  }

  #onData (data: Buffer): void {
    this.#chunks.push(data)
    this.#bufferedBytes += data.length
    while (!this.#isClosed) {
      if (this.#frameBytes === -1) {
        if (this.#bufferedBytes < 4) return
        const size = this.#take(4).readInt32BE(0)
        // Until a SASL client has authenticated, frames are held to Kafka's sasl.server.max.receive.size.
        const maxBytes = this.#session.requiresSasl && !this.#session.isAuthenticated ? MAX_UNAUTHENTICATED_FRAME_BYTES : this.#options.maxRequestBytes
        if (size < MIN_FRAME_BYTES || size > maxBytes) {
          this.#fail(`request frame size ${size} is outside [${MIN_FRAME_BYTES}, ${maxBytes}]`)
          return
        }
        this.#frameBytes = size
      }
      if (this.#bufferedBytes < this.#frameBytes) return
      const frame = this.#take(this.#frameBytes)
      this.#frameBytes = -1
      this.#onFrame(frame)
    }
  }

  /** Removes `count` bytes from the front of the buffered data, copying only across chunks. */
  #take (count: number): Buffer {
    this.#bufferedBytes -= count
    const first = this.#chunks[0]!
    if (first.length >= count) {
      if (first.length === count) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(count)
      return first.subarray(0, count)
    }
    const result = Buffer.allocUnsafe(count)
    let filled = 0
    while (filled < count) {
      const chunk = this.#chunks[0]!
      const used = Math.min(chunk.length, count - filled)
      chunk.copy(result, filled, 0, used)
      filled += used
      if (used === chunk.length) this.#chunks.shift()
      else this.#chunks[0] = chunk.subarray(used)
    }
    return result
  }

  #onFrame (frame: Buffer): void {
    if (this.#session.expectsRawSaslToken) {
      this.#onRawSaslToken(frame)
      return
    }
    let header
    try {
      header = readRequestHeader(frame)
    } catch (error) {
      this.#fail('unreadable request header', { reason: (error as Error).message })
      return
    }
    const { apiKey, apiVersion, correlationId, clientId } = header
    const handler = this.#options.dispatcher.handlerFor(apiKey, apiVersion)
    if (handler === undefined) {
      if (apiKey === API_VERSIONS_KEY) {
        this.#answerUnsupportedApiVersions(correlationId)
        return
      }
      this.#fail(`unsupported API key ${apiKey} version ${apiVersion}`, { apiKey, apiVersion, clientId, correlationId })
      return
    }
    const refusal = this.#saslRefusal(apiKey)
    if (refusal !== undefined) {
      this.#fail(refusal, { apiKey, apiVersion, clientId, correlationId, principal: this.#session.principal?.arn })
      return
    }
    let request: unknown
    try {
      request = handler.api.decodeRequest(new Reader(frame, header.bodyOffset), apiVersion)
    } catch (error) {
      const reason = error instanceof DecodeError ? error.message : String(error)
      this.#fail(`malformed ${handler.api.name} v${apiVersion} request`, { apiKey, apiVersion, clientId, correlationId, reason })
      return
    }
    const slot: ResponseSlot = { chunks: undefined }
    this.#slots.push(slot)
    this.#updateReading()
    const context = this.#contextFor(apiKey, apiVersion, correlationId, clientId)
    // Most requests find the principal's policies current and go straight to their handler.
    const handled = this.#arePoliciesStale()
      ? this.#refreshPolicies().then(() => handler.handle(request, context))
      : handler.handle(request, context)
    handled.then(response => {
      slot.chunks = response === undefined ? [] : encodeResponseFrame(handler.api, apiVersion, correlationId, response)
      if (this.#session.closeAfterResponse) slot.isLast = true
      this.#writeReady()
    }, (error: unknown) => {
      this.#logger.error({ err: error, apiKey, apiVersion, clientId, correlationId }, `${handler.api.name} handler failed`)
      this.close()
    })
  }

  #contextFor (apiKey: number, apiVersion: number, correlationId: number, clientId: string | null): RequestContext {
    const { services, clusterId } = this.#options
    this.#clusterArn ??= services.clusterArn(clusterId)
    return {
      apiVersion,
      correlationId,
      clientId,
      clusterId,
      clientAddress: this.#clientAddress,
      listener: this.#options.listener,
      services,
      logger: this.#logger,
      session: this.#session,
      access: new RequestAccess(apiKey, this.#session, this.#clusterArn, this.#logger)
    }
  }

  /**
   * The client's SASL token as a bare size-prefixed frame, after SaslHandshake v0 (Kafka's legacy
   * framing, still used by kafka-python 2.0.x). It is verified exactly as SaslAuthenticate v0 would
   * be; success answers the server's SASL bytes as a bare frame (a zero-length one for
   * OAUTHBEARER), failure closes the connection without an answer: this framing has no error field,
   * and Kafka does the same. The handler logs the reason either way.
   */
  #onRawSaslToken (frame: Buffer): void {
    this.#session.expectsRawSaslToken = false
    const handler = this.#options.dispatcher.handlerFor(SASL_AUTHENTICATE_KEY, 0)
    if (handler === undefined) {
      this.#fail('a bare SASL token arrived but SaslAuthenticate is not served')
      return
    }
    const slot: ResponseSlot = { chunks: undefined }
    this.#slots.push(slot)
    this.#updateReading()
    const request: SaslAuthenticateRequest = { authBytes: frame }
    Promise.resolve(handler.handle(request, this.#contextFor(SASL_AUTHENTICATE_KEY, 0, -1, null))).then((response: SaslAuthenticateResponse) => {
      if (response.errorCode === 0) {
        const size = Buffer.allocUnsafe(4)
        size.writeInt32BE(response.authBytes.length, 0)
        slot.chunks = [size, response.authBytes]
      } else {
        slot.chunks = []
        slot.isLast = true
      }
      this.#writeReady()
    }, (error: unknown) => {
      this.#logger.error({ err: error }, 'authenticating a bare SASL token failed')
      this.close()
    })
  }

  /**
   * Why a request may not run on this connection yet, as Kafka's SASL authenticator says it: before
   * authentication only ApiVersions, SaslHandshake and SaslAuthenticate; after the session's end
   * only a re-authentication.
   */
  #saslRefusal (apiKey: number): string | undefined {
    const session = this.#session
    if (!session.requiresSasl || SASL_STAGE_KEYS.has(apiKey)) return undefined
    if (!session.isAuthenticated) return `unexpected Kafka request of type ${apiKey} during SASL handshake`
    if (this.#options.services.clock.nowMs() > session.expiresAtMs) return 'the SASL session expired and the client did not re-authenticate'
    return undefined
  }

  /** Reloads the principal's policies once identities or policies changed anywhere (the Authorizer's generation moved). */
  #arePoliciesStale (): boolean {
    return this.#session.principal !== undefined && this.#session.policyGeneration !== this.#options.services.authorizer.generation
  }

  async #refreshPolicies (): Promise<void> {
    const session = this.#session
    const { authorizer } = this.#options.services
    if (session.principal === undefined || session.policyGeneration === authorizer.generation) return
    const generation = authorizer.generation
    session.usePolicies(await authorizer.policiesFor(session.principal), generation)
  }

  /** Kafka answers an ApiVersions request it cannot parse with v0 and UNSUPPORTED_VERSION plus its ranges. */
  #answerUnsupportedApiVersions (correlationId: number): void {
    const response = {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.#options.services.supportedApis(),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false
    }
    this.#slots.push({ chunks: encodeResponseFrame(ApiVersionsApi, 0, correlationId, response) })
    this.#writeReady()
  }

  #writeReady (): void {
    if (this.#isClosed) return
    let wrote = false
    while (this.#slots.length > 0 && this.#slots[0]!.chunks !== undefined) {
      const slot = this.#slots.shift()!
      const chunks = slot.chunks!
      if (chunks.length === 0 && slot.isLast !== true) continue
      if (!wrote) this.#socket.cork()
      wrote = true
      for (const chunk of chunks) this.#socket.write(chunk)
      if (slot.isLast === true) {
        this.#socket.uncork()
        this.#isClosed = true
        this.#socket.end()
        return
      }
    }
    if (wrote) {
      this.#socket.uncork()
      if (this.#socket.writableLength > MAX_UNWRITTEN_BYTES) this.#isPausedForDrain = true
    }
    this.#updateReading()
  }

  #updateReading (): void {
    if (this.#isClosed) return
    const shouldPause = this.#isPausedForDrain || this.#slots.length >= this.#options.maxInFlightRequests
    if (shouldPause && !this.#socket.isPaused()) this.#socket.pause()
    else if (!shouldPause && this.#socket.isPaused()) this.#socket.resume()
  }
}
