// A Kafka listener: accepts TCP connections, or TLS ones when given TLS options, and hands each
// socket to a Connection (which never knows whether it is encrypted). It may also take sockets
// accepted elsewhere (accept): the SNI router hands it the TLS sockets named for its cluster.
import net from 'node:net'
import tls from 'node:tls'
import type { Logger } from '../common/logger.ts'
import { Connection, type ConnectionOptions } from './connection.ts'
import { listenOn } from './listen.ts'

export interface BrokerServerOptions extends Omit<ConnectionOptions, 'logger'> {
  logger: Logger
  /** Serve TLS with these options (certificate, versions, ciphers, handshake timeout); plain TCP without. */
  tls?: tls.TlsOptions
}

export class BrokerServer {
  readonly #server: net.Server | tls.Server
  readonly #connections = new Set<Connection>()
  /** Every accepted TCP socket, including TLS ones still in their handshake (no Connection yet). */
  readonly #sockets = new Set<net.Socket>()
  readonly #logger: Logger
  readonly #listener: string
  readonly #accept: (socket: net.Socket) => void

  constructor (options: BrokerServerOptions) {
    const { tls: tlsOptions, ...connectionOptions } = options
    this.#logger = options.logger
    this.#listener = options.listener
    const accept = (socket: net.Socket): void => {
      const connection = new Connection(socket, connectionOptions)
      this.#connections.add(connection)
      socket.on('close', () => this.#connections.delete(connection))
    }
    this.#accept = accept
    if (tlsOptions === undefined) {
      this.#server = net.createServer(accept)
    } else {
      const server = tls.createServer(tlsOptions, accept)
      // A failed or timed-out handshake (a client's problem, so debug level). With a listener on this
      // event Node leaves the socket open, even after handshakeTimeout: it must be destroyed here.
      server.on('tlsClientError', (error, socket) => {
        this.#logger.debug({ err: error, client: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` }, 'TLS handshake failed')
        socket.destroy()
      })
      this.#server = server
    }
    this.#server.on('connection', (socket: net.Socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  async listen (port: number, host: string): Promise<number> {
    const boundPort = await listenOn(this.#server, port, host)
    this.#logger.info({ host, port: boundPort, listener: this.#listener }, 'Kafka listener ready')
    return boundPort
  }

  /** Serves a socket accepted (and, for TLS, handshaken) by someone else, e.g. the SNI router; closed with this server. */
  accept (socket: net.Socket): void {
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
    this.#accept(socket)
  }

  /** Replaces the certificate (and other TLS options) for new connections; a TLS listener only. */
  setSecureContext (options: tls.SecureContextOptions): void {
    if (!(this.#server instanceof tls.Server)) throw new Error(`the ${this.#listener} listener does not serve TLS`)
    this.#server.setSecureContext(options)
  }

  get connectionCount (): number {
    return this.#connections.size
  }

  async close (): Promise<void> {
    // Resolves also when it never listened (a server fed by accept): close then reports ERR_SERVER_NOT_RUNNING.
    const closed = new Promise<void>(resolve => this.#server.close(() => resolve()))
    for (const connection of this.#connections) connection.close()
    for (const socket of this.#sockets) socket.destroy()
    await closed
  }
}
