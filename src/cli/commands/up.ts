// `skiff up`: runs one node with embedded storage (SQLite + segment files) in a data directory.
import type { Command } from 'commander'
import { loadConfig } from '../../config/config.ts'
import { startNode } from '../../app.ts'

interface UpOptions {
  dataDir?: string
  host?: string
  port?: string
  advertisedHost?: string
  logLevel?: string
  flushMs?: string
}

export function registerUpCommand (program: Command): void {
  program
    .command('up')
    .description('run a Skiff node with embedded storage (SQLite catalog + local segment files)')
    .option('-d, --data-dir <dir>', 'data directory (default .skiff, env SKIFF_DATA_DIR)')
    .option('--host <host>', 'interface for the Kafka listener (default 127.0.0.1)')
    .option('-p, --port <port>', 'Kafka listener port (default 9092)')
    .option('--advertised-host <host>', 'host name given to clients in Metadata')
    .option('--log-level <level>', 'trace, debug, info, warn, error')
    .option('--flush-ms <ms>', 'how long a flush waits for more batches (default 0: group commit only)')
    .action(async (options: UpOptions) => {
      const config = loadConfig({
        dataDir: options.dataDir,
        host: options.host,
        port: options.port === undefined ? undefined : Number(options.port),
        advertisedHost: options.advertisedHost,
        logLevel: options.logLevel,
        flush: { ms: options.flushMs === undefined ? undefined : Number(options.flushMs) }
      })
      const node = await startNode(config)
      process.stdout.write(`Skiff is up: bootstrap ${config.advertisedHost}:${node.port} (data in ${config.dataDir})\n`)
      let isStopping = false
      const stop = (signal: string): void => {
        if (isStopping) return
        isStopping = true
        node.logger.info({ signal }, 'stopping')
        node.close().then(() => process.exit(0), error => {
          node.logger.error({ err: error }, 'clean stop failed')
          process.exit(1)
        })
      }
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
    })
}
