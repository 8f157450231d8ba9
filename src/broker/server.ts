// The Kafka listener: accepts TCP connections and hands each to a Connection.
import net from 'node:net'
import type { Logger } from '../common/logger.ts'
import { Connection, type ConnectionOptions } from './connection.ts'

export class BrokerServer {
  readonly #server: net.Server
  readonly #connections = new Set<Connection>()
  readonly #logger: Logger

  constructor (options: Omit<ConnectionOptions, 'logger'> & { logger: Logger }) {
    this.#logger = options.logger
    this.#server = net.createServer(socket => {
      const connection = new Connection(socket, options)
      this.#connections.add(connection)
      socket.on('close', () => this.#connections.delete(connection))
    })
  }

  async listen (port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
    const address = this.#server.address()
    const boundPort = typeof address === 'object' && address !== null ? address.port : port
    this.#logger.info({ host, port: boundPort }, 'Kafka listener ready')
    return boundPort
  }

  get connectionCount (): number {
    return this.#connections.size
  }

  async close (): Promise<void> {
    const closed = new Promise<void>(resolve => this.#server.close(() => resolve()))
    for (const connection of this.#connections) connection.close()
    await closed
  }
}
