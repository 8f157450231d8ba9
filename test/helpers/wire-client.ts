// A minimal Kafka client over a raw socket, built on the project's own codecs: for tests that need
// exact requests (bad input, fuzzing, reading Fetch responses byte for byte) or admin steps
// before a real client takes over. Over TLS with SASL OAUTHBEARER (an MSK IAM token) it drives the
// IAM listener as any authenticated client would.
import net from 'node:net'
import tls from 'node:tls'
import type { ApiDescriptor } from '../../src/protocol/api-descriptor.ts'
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frame.ts'
import { CreateTopicsApi } from '../../src/protocol/messages/create-topics.ts'
import { errorName } from '../../src/protocol/error-codes.ts'
import { SaslHandshakeApi } from '../../src/protocol/messages/sasl-handshake.ts'
import { SaslAuthenticateApi } from '../../src/protocol/messages/sasl-authenticate.ts'

export class WireClient {
  readonly #socket: net.Socket
  readonly #localAddress: string
  #buffered = Buffer.alloc(0)
  readonly #frames: Buffer[] = []
  #waiter: (() => void) | undefined
  #isClosed = false
  #correlationId = 0
  readonly closed: Promise<void>

  private constructor (socket: net.Socket) {
    this.#socket = socket
    this.#localAddress = `${socket.localAddress ?? '?'}:${socket.localPort ?? '?'}`
    socket.on('data', data => {
      this.#buffered = this.#buffered.length === 0 ? data : Buffer.concat([this.#buffered, data])
      while (this.#buffered.length >= 4) {
        const size = this.#buffered.readInt32BE(0)
        if (this.#buffered.length < 4 + size) break
        this.#frames.push(this.#buffered.subarray(4, 4 + size))
        this.#buffered = this.#buffered.subarray(4 + size)
      }
      this.#wake()
    })
    socket.on('error', () => {})
    this.closed = new Promise(resolve => socket.once('close', () => {
      this.#isClosed = true
      this.#wake()
      resolve()
    }))
  }

  /** Connects over plain TCP, or over TLS with these options (e.g. `{ ca }`). */
  static async connect (bootstrap: string, options: { tls?: tls.ConnectionOptions } = {}): Promise<WireClient> {
    const [host, port] = bootstrap.split(':') as [string, string]
    const socket = options.tls === undefined ? net.connect({ host, port: Number(port) }) : tls.connect({ host, port: Number(port), ...options.tls })
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls === undefined ? 'connect' : 'secureConnect', resolve)
      socket.once('error', reject)
    })
    socket.setNoDelay(true)
    return new WireClient(socket)
  }

  /** A TLS connection checked against `caPem` (the listener's certificate authority). */
  static async connectTls (bootstrap: string, caPem: string): Promise<WireClient> {
    const [host, port] = bootstrap.split(':') as [string, string]
    const socket = tls.connect({ host, port: Number(port), ca: [caPem], servername: host })
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve)
      socket.once('error', reject)
    })
    socket.setNoDelay(true)
    return new WireClient(socket)
  }

  /**
   * A TLS connection authenticated with SASL OAUTHBEARER: SaslHandshake v1, then SaslAuthenticate
   * v2 carrying the MSK IAM token in RFC 7628's client-first message. Fails with the broker's
   * error if authentication is refused.
   */
  static async connectIam (bootstrap: string, caPem: string, token: string): Promise<WireClient> {
    const client = await WireClient.connectTls(bootstrap, caPem)
    try {
      await client.authenticate(token)
      return client
    } catch (error) {
      client.close()
      throw error
    }
  }

  /** SaslHandshake v1 (OAUTHBEARER) and SaslAuthenticate v2 with the token; resolves to the session lifetime. */
  async authenticate (token: string): Promise<number> {
    const handshake = await this.request(SaslHandshakeApi, 1, { mechanism: 'OAUTHBEARER' })
    if (handshake.errorCode !== 0) throw new Error(`SaslHandshake failed: ${errorName(handshake.errorCode)}`)
    const authBytes = Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`)
    const authenticated = await this.request(SaslAuthenticateApi, 2, { authBytes })
    if (authenticated.errorCode !== 0) {
      throw new Error(`SaslAuthenticate failed: ${errorName(authenticated.errorCode)} ${authenticated.errorMessage ?? ''}`)
    }
    return authenticated.sessionLifetimeMs
  }

  /** host:port of this end, as the broker sees the client (and names it in its log lines). */
  get localAddress (): string {
    return this.#localAddress
  }

  get isClosed (): boolean {
    return this.#isClosed
  }

  nextCorrelationId (): number {
    return ++this.#correlationId
  }

  /** Writes bytes as they are: a frame of our making, or garbage. */
  sendRaw (bytes: Buffer): void {
    if (!this.#isClosed) this.#socket.write(bytes)
  }

  /** The next response frame (after its size prefix), or undefined if the connection closed first. */
  async nextFrame (timeoutMs = 10_000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs
    while (this.#frames.length === 0) {
      if (this.#isClosed) return undefined
      const remainingMs = deadline - Date.now()
      if (remainingMs <= 0) throw new Error(`no response frame within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, remainingMs)
        this.#waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    return this.#frames.shift()
  }

  #wake (): void {
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.()
  }

  /** Sends one request and decodes its response; fails if the broker closes the connection instead. */
  async request<Request, Response> (
    api: ApiDescriptor<Request, Response>, version: number, request: Request, timeoutMs = 20_000
  ): Promise<Response> {
    const correlationId = this.nextCorrelationId()
    this.sendRaw(encodeRequestFrame(api, version, correlationId, 'skiff-test-wire', request))
    const frame = await this.nextFrame(timeoutMs)
    if (frame === undefined) throw new Error(`the broker closed the connection instead of answering ${api.name} v${version}`)
    const decoded = decodeResponseFrame(api, version, frame)
    if (decoded.correlationId !== correlationId) {
      throw new Error(`${api.name} response has correlation id ${decoded.correlationId}, expected ${correlationId}`)
    }
    return decoded.response
  }

  /** Resolves true if the broker closes the connection within the time. */
  async waitForClose (timeoutMs = 10_000): Promise<boolean> {
    if (this.#isClosed) return true
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<false>(resolve => { timer = setTimeout(() => resolve(false), timeoutMs) })
    const result = await Promise.race([this.closed.then(() => true as const), timedOut])
    clearTimeout(timer)
    return result
  }

  close (): void {
    this.#socket.destroy()
  }
}

/**
 * A request frame built by hand around any body bytes: size prefix, then header v1 (or v2, with
 * its empty tagged fields, when `isFlexible`), for requests the codecs would refuse to write.
 */
export function rawRequestFrame (
  header: { apiKey: number, apiVersion: number, correlationId: number, clientId?: string, isFlexible?: boolean }, body: Buffer
): Buffer {
  const clientId = Buffer.from(header.clientId ?? 'skiff-test-raw')
  const head = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + (header.isFlexible === true ? 1 : 0))
  head.writeInt32BE(head.length - 4 + body.length, 0)
  head.writeInt16BE(header.apiKey, 4)
  head.writeInt16BE(header.apiVersion, 6)
  head.writeInt32BE(header.correlationId, 8)
  head.writeInt16BE(clientId.length, 12)
  clientId.copy(head, 14)
  return Buffer.concat([head, body])
}

/** Re-frames the body of `frame` (a whole frame, size prefix included) cut to `length` bytes. */
export function truncateFrame (frame: Buffer, length: number): Buffer {
  const truncated = Buffer.from(frame.subarray(0, 4 + length))
  truncated.writeInt32BE(length, 0)
  return truncated
}

export interface TopicSpec {
  name: string
  partitions?: number
  configs?: Record<string, string>
}

/** Creates topics with CreateTopics v5 over a raw connection; fails on any error but TOPIC_ALREADY_EXISTS. */
export async function createTopics (bootstrap: string, topics: TopicSpec[], options: { tls?: tls.ConnectionOptions } = {}): Promise<void> {
  const client = await WireClient.connect(bootstrap, options)
  try {
    const response = await client.request(CreateTopicsApi, 5, {
      topics: topics.map(topic => ({
        name: topic.name,
        numPartitions: topic.partitions ?? 1,
        replicationFactor: -1,
        assignments: [],
        configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value }))
      })),
      timeoutMs: 30_000,
      validateOnly: false
    })
    const failures = response.topics.filter(topic => topic.errorCode !== 0 && errorName(topic.errorCode) !== 'TOPIC_ALREADY_EXISTS')
    if (failures.length > 0) {
      throw new Error(`CreateTopics failed: ${failures.map(topic => `${topic.name}: ${errorName(topic.errorCode)} ${topic.errorMessage ?? ''}`).join('; ')}`)
    }
  } finally {
    client.close()
  }
}
