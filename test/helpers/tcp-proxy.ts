// A TCP proxy between Kafka clients and a node, for tests that cut connections mid-flight: it can
// swallow the node's responses (so requests land but their answers never arrive) and then cut
// every connection, forcing clients to reconnect and retry what they had in flight.
//
// Clients must reach the node only through the proxy, including the address Metadata advertises:
// start the node on 127.0.0.1 advertising 127.0.0.2 (Linux routes all of 127/8 to loopback), then
// listen with the proxy on 127.0.0.2 and the node's port.
import net from 'node:net'
import type { TestContext } from 'node:test'

interface Pair {
  client: net.Socket
  upstream: net.Socket
}

export class TcpProxy {
  readonly #server: net.Server
  readonly #target: { host: string, port: number }
  readonly #pairs = new Set<Pair>()
  #isSwallowingResponses = false
  /** Connections cut so far. */
  cutCount = 0
  /** Response bytes swallowed so far. */
  swallowedBytes = 0

  private constructor (server: net.Server, target: { host: string, port: number }) {
    this.#server = server
    this.#target = target
    server.on('connection', client => this.#accept(client))
  }

  static async start (t: TestContext, listen: { host: string, port: number }, target: { host: string, port: number }): Promise<TcpProxy> {
    const server = net.createServer()
    const proxy = new TcpProxy(server, target)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(listen.port, listen.host, () => resolve())
    })
    t.after(() => proxy.close())
    return proxy
  }

  get connectionCount (): number {
    return this.#pairs.size
  }

  /** From now on the node's bytes are dropped instead of passed on, until cutAll. */
  swallowResponses (): void {
    this.#isSwallowingResponses = true
  }

  /** Destroys every open connection (both ends) and passes responses on again for new ones. */
  cutAll (): void {
    for (const pair of this.#pairs) {
      pair.client.destroy()
      pair.upstream.destroy()
      this.cutCount++
    }
    this.#pairs.clear()
    this.#isSwallowingResponses = false
  }

  async close (): Promise<void> {
    this.cutAll()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }

  #accept (client: net.Socket): void {
    const upstream = net.connect(this.#target)
    const pair = { client, upstream }
    this.#pairs.add(pair)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    const drop = (): void => {
      this.#pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    client.on('data', data => { upstream.write(data) })
    upstream.on('data', data => {
      if (this.#isSwallowingResponses) this.swallowedBytes += data.length
      else client.write(data)
    })
  }
}
