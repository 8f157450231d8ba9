// Starts a Skiff node in-process for a test: port 0, a fresh temp data directory, logs captured in
// memory instead of printed, and everything removed again when the test ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestContext } from 'node:test'
import { pino } from 'pino'
import { startNode, type RunningNode } from '../../src/app.ts'
import { loadConfig, type SkiffConfigInput } from '../../src/config/config.ts'
import type { IdentityDirectory } from '../../src/security/identity.ts'

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A pino destination that keeps every line, parsed, so tests can assert on what the node logged. */
export class LogCapture {
  readonly lines: LogLine[] = []

  write (text: string): void {
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        this.lines.push(JSON.parse(line) as LogLine)
      } catch {
        this.lines.push({ level: 0, msg: line })
      }
    }
  }

  /** Lines at warn (40) or above whose message or fields contain `text`. */
  warnings (text?: string): LogLine[] {
    return this.lines.filter(line => line.level >= 40 && (text === undefined || JSON.stringify(line).includes(text)))
  }
}

export interface TestNode {
  /** host:port for clients (the plaintext listener, or the TLS one when plaintext is off). */
  bootstrap: string
  port: number
  /** 127.0.0.1:port of the TLS listener, when the test asked for one. */
  tlsBootstrap: string | undefined
  node: RunningNode
  dataDir: string
  logs: LogCapture
  /** Stops the node (also done at the end of the test); safe to call twice. */
  close: () => Promise<void>
}

export interface StartTestNodeOptions {
  config?: SkiffConfigInput
  /** Reuse a data directory (for restarts); it is then not removed by this call's cleanup. */
  dataDir?: string
  /** Level of the captured log (default 'info'). */
  logLevel?: string
  /** Where SASL listeners and the control plane look identities up (the control plane runs only when config.controlPlane is given). */
  identities?: IdentityDirectory
  accountId?: string
}

export function makeTempDir (t: TestContext, prefix = 'skiff-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export async function startTestNode (t: TestContext, options: StartTestNodeOptions = {}): Promise<TestNode> {
  const dataDir = options.dataDir ?? makeTempDir(t, 'skiff-node-')
  // An empty environment: SKIFF_* variables of the shell running the tests must not leak in.
  // The TLS listener only when a test asks for it (options.config.tls), then on a free port unless given.
  const tls = options.config?.tls === undefined ? { enabled: false } : { port: 0, ...options.config.tls }
  // The control plane likewise, on a free port: its default 9099 would clash between tests.
  const controlPlane = options.config?.controlPlane === undefined ? { enabled: false } : { port: 0, ...options.config.controlPlane }
  const config = loadConfig({ host: '127.0.0.1', port: 0, logLevel: 'silent', ...options.config, tls, controlPlane, dataDir }, {})
  const logs = new LogCapture()
  const logger = pino({ level: options.logLevel ?? 'info', base: { service: 'skiff' } }, logs)
  const node = await startNode(config, { logger, identities: options.identities, accountId: options.accountId })
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= node.close()
    await closing
  }
  t.after(close)
  const tlsBootstrap = node.ports.tls === undefined ? undefined : `127.0.0.1:${node.ports.tls}`
  return { bootstrap: `127.0.0.1:${node.port}`, port: node.port, tlsBootstrap, node, dataDir, logs, close }
}
