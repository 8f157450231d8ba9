// `skiff up`: runs one node with embedded storage (SQLite + segment files) in a data directory: the
// control plane (AWS Kafka, IAM and STS APIs) and an IAM endpoint (TLS + SASL) per cluster, the
// first on 9098 as on MSK, or with --cluster-domain all on 9098, routed by SNI name. On request
// also the default cluster, on a plaintext development listener (--plaintext) and on a TLS + IAM
// listener of its own (--tls-port).
import type { Command } from 'commander'
import { loadConfig } from '../../config/config.ts'
import { startNode } from '../../app.ts'
import { keepHeapHeadroom } from '../../common/heap-headroom.ts'

interface UpOptions {
  dataDir?: string
  host?: string
  port?: string
  plaintextPort?: string
  plaintext?: boolean
  tls: boolean
  tlsPort?: string
  tlsCert?: string
  tlsKey?: string
  tlsCa?: string
  tlsName: string[]
  advertisedHost?: string
  logLevel?: string
  flushMs?: string
  api: boolean
  apiPort?: string
  apiHost?: string
  region?: string
  clusterDomain?: string
  clusterPort?: string
}

/** A flag's number, or a clear error naming the flag. */
function portFlag (flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`${flag} ${text} is not a TCP port (0-65535)`)
  return port
}

function collect (value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map(name => name.trim()).filter(name => name !== '')]
}

export function registerUpCommand (program: Command): void {
  program
    .command('up')
    .description('run a Skiff node with embedded storage (SQLite catalog + local segment files)')
    .option('-d, --data-dir <dir>', 'data directory (default .skiff, env SKIFF_DATA_DIR)')
    .option('--host <host>', 'interface for the Kafka listeners (default 127.0.0.1)')
    .option('--plaintext', 'also serve the default cluster on a plaintext listener without authentication, for local development (port 9092)')
    .option('--plaintext-port <port>', 'port of that plaintext listener (implies --plaintext; env SKIFF_PORT)')
    .option('-p, --port <port>', 'the same as --plaintext-port')
    .option('--tls-port <port>', 'also serve the default cluster on its own TLS + IAM listener on this port (env SKIFF_TLS_PORT)')
    .option('--no-tls', 'no TLS at all: cluster endpoints take SASL over plaintext (local tests only)')
    .option('--tls-cert <file>', 'PEM certificate (chain) for the TLS listener, instead of one from Skiff\'s own CA (env SKIFF_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (env SKIFF_TLS_KEY)')
    .option('--tls-ca <file>', 'PEM certificate of the CA that signed --tls-cert, checked at start (env SKIFF_TLS_CA)')
    .option('--tls-name <name>', 'extra DNS name or IP for the generated certificate; repeat or comma-separate (env SKIFF_TLS_NAMES)', collect, [])
    .option('--advertised-host <host>', 'host name given to clients in Metadata')
    .option('--log-level <level>', 'trace, debug, info, warn, error')
    .option('--api-port <port>', 'control-plane (AWS Kafka REST API) port (default 9099, env SKIFF_API_PORT)')
    .option('--api-host <host>', 'interface for the control plane (default: --host, env SKIFF_API_HOST)')
    .option('--no-api', 'do not run the control plane')
    .option('--region <region>', 'AWS region Skiff answers as, in cluster ARNs and SigV4 scopes (default us-east-1, env SKIFF_REGION)')
    .option('--cluster-domain <domain>', 'serve every cluster on one TLS port, routed by the SNI name boot-<id>.<domain> (needs DNS for *.<domain>; env SKIFF_CLUSTER_DOMAIN)')
    .option('--cluster-port <port>', 'that one TLS port (default 9098, env SKIFF_CLUSTER_SNI_PORT)')
    .option('--flush-ms <ms>', 'how long a flush waits for more batches (default 0: group commit only)')
    .action(async (options: UpOptions) => {
      if (options.port !== undefined && options.plaintextPort !== undefined && options.port !== options.plaintextPort) {
        throw new Error(`--port ${options.port} and --plaintext-port ${options.plaintextPort} disagree; give one`)
      }
      const config = loadConfig({
        dataDir: options.dataDir,
        host: options.host,
        plaintext: options.plaintext === true || options.plaintextPort !== undefined || options.port !== undefined ||
          process.env.SKIFF_PORT !== undefined,
        port: portFlag('--plaintext-port', options.plaintextPort ?? options.port),
        tls: {
          enabled: options.tls,
          listener: options.tlsPort !== undefined || process.env.SKIFF_TLS_PORT !== undefined,
          port: portFlag('--tls-port', options.tlsPort),
          certFile: options.tlsCert,
          keyFile: options.tlsKey,
          caFile: options.tlsCa,
          extraNames: options.tlsName.length > 0 ? options.tlsName : undefined
        },
        advertisedHost: options.advertisedHost,
        logLevel: options.logLevel,
        region: options.region,
        clusterEndpoints: { domain: options.clusterDomain, sniPort: portFlag('--cluster-port', options.clusterPort) },
        controlPlane: { enabled: options.api, port: portFlag('--api-port', options.apiPort), host: options.apiHost },
        flush: { ms: options.flushMs === undefined ? undefined : Number(options.flushMs) }
      })
      if (config.heapHeadroomBytes > 0) keepHeapHeadroom(config.heapHeadroomBytes)
      const node = await startNode(config)
      const listeners = [
        node.ports.plaintext !== undefined ? `plaintext ${config.advertisedHost}:${node.ports.plaintext}` : undefined,
        node.ports.tls !== undefined ? `TLS ${config.advertisedHost}:${node.ports.tls}` : undefined
      ].filter(listener => listener !== undefined)
      process.stdout.write(`Skiff is up (data in ${config.dataDir})\n`)
      if (listeners.length > 0) process.stdout.write(`Default cluster: bootstrap ${listeners.join(', ')}\n`)
      process.stdout.write(`Admin credentials (AWS credentials file, profile skiff): ${node.identities.credentialsFile}\n`)
      if (node.controlPlanePort !== undefined) {
        process.stdout.write(`Control plane (AWS Kafka API): http://${config.controlPlane.host}:${node.controlPlanePort} (aws kafka ... --endpoint-url)\n`)
      }
      if (node.clusterListeners.isRoutedByName) {
        process.stdout.write(`Clusters: one TLS port ${node.clusterListeners.sniPort ?? '?'}, by name boot-<id>.${config.clusterEndpoints.domain} ` +
          `(point DNS for *.${config.clusterEndpoints.domain} at this node)\n`)
      }
      if (node.tls?.source === 'generated') {
        process.stdout.write(`TLS clients trust the CA certificate printed by: skiff ca --data-dir ${config.dataDir}\n`)
      }
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
