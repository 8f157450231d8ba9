// One TLS port for every tenant cluster (clusterEndpoints.domain), routed by the host name the
// client sends as TLS SNI, as MSK Serverless routes `boot-xxxx.c1.kafka-serverless...`. SNICallback
// hands out the node certificate for names of served clusters and refuses the handshake for any
// other name; once a handshake is done, the socket goes to its cluster's BrokerServer. A client
// that sent no name (or whose cluster went away during the handshake) is closed. Both refusals
// are logged, so an operator can see clients of deleted clusters or with a wrong bootstrap.
import type net from 'node:net'
import tls from 'node:tls'
import type { Logger } from '../common/logger.ts'
import { normalizeHostName } from './cluster-host-names.ts'
import { listenOn } from './listen.ts'

/** What serves the connections of one cluster (a BrokerServer). */
export interface SniRouteTarget {
  accept: (socket: net.Socket) => void
}

interface Route {
  clusterId: string
  target: SniRouteTarget
}

export interface SniRouterOptions {
  /** Certificate, versions, ciphers and handshake timeout, as for a TLS BrokerServer. */
  tls: tls.TlsOptions
  logger: Logger
}

export class SniRouter {
  readonly #server: tls.Server
  readonly #logger: Logger
  readonly #routes = new Map<string, Route>()
  /** Every accepted TCP socket, including those still in their handshake. */
  readonly #sockets = new Set<net.Socket>()
  #context: tls.SecureContext
  #port: number | undefined

  constructor (options: SniRouterOptions) {
    this.#logger = options.logger
    this.#context = tls.createSecureContext(options.tls)
    this.#server = tls.createServer({
      ...options.tls,
      SNICallback: (servername, callback) => {
        if (this.#routes.has(normalizeHostName(servername))) {
          callback(null, this.#context)
          return
        }
        this.#logger.warn({ servername }, 'TLS handshake refused: the name is no ACTIVE cluster\'s bootstrap name')
        callback(new Error(`no ACTIVE cluster is served as ${servername}`))
      }
    }, socket => this.#route(socket))
    // A failed handshake (refused name, bad client, timeout). With a listener on this event Node
    // leaves the socket open, even after handshakeTimeout: it must be destroyed here.
    this.#server.on('tlsClientError', (error, socket) => {
      this.#logger.debug({ err: error, client: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` }, 'TLS handshake failed')
      socket.destroy()
    })
    this.#server.on('connection', (socket: net.Socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  /** Routes connections naming `hostName` to `target`; throws when another cluster has the name. */
  add (hostName: string, clusterId: string, target: SniRouteTarget): void {
    const name = normalizeHostName(hostName)
    const existing = this.#routes.get(name)
    if (existing !== undefined && existing.clusterId !== clusterId) {
      throw new Error(`the host name ${name} already routes to cluster ${existing.clusterId}: delete this cluster and create it again for another name`)
    }
    this.#routes.set(name, { clusterId, target })
  }

  /** Stops routing the name at once: new handshakes naming it are refused. */
  remove (hostName: string): void {
    this.#routes.delete(normalizeHostName(hostName))
  }

  /** The names routed now. */
  hostNames (): string[] {
    return [...this.#routes.keys()]
  }

  async listen (port: number, host: string): Promise<number> {
    this.#port = await listenOn(this.#server, port, host)
    this.#logger.info({ host, port: this.#port }, 'cluster endpoint (SNI routing) ready')
    return this.#port
  }

  /** The bound port; undefined before listen. */
  get port (): number | undefined {
    return this.#port
  }

  /** A renewed certificate for new handshakes, named or not. */
  setSecureContext (options: tls.SecureContextOptions): void {
    this.#context = tls.createSecureContext(options)
    this.#server.setSecureContext(options)
  }

  /** Stops listening and closes every socket it accepted (routed ones included). */
  async close (): Promise<void> {
    const closed = new Promise<void>(resolve => this.#server.close(() => resolve()))
    for (const socket of this.#sockets) socket.destroy()
    this.#routes.clear()
    await closed
  }

  #route (socket: tls.TLSSocket): void {
    const servername = socket.servername
    const route = typeof servername === 'string' ? this.#routes.get(normalizeHostName(servername)) : undefined
    if (route === undefined) {
      // No SNI at all (a client given an IP address), or the cluster was deleted during the handshake.
      this.#logger.warn({
        servername: typeof servername === 'string' ? servername : null,
        client: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
      }, 'TLS connection closed: it names no ACTIVE cluster (clients must connect with the cluster\'s bootstrap name)')
      socket.destroy()
      return
    }
    route.target.accept(socket)
  }
}
