// Runs `bin/skiff up` as a child process, for tests that must kill the node for real (kill -9)
// and restart it on the same data directory and port.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A TCP port nothing listens on right now (the kernel's pick for port 0). */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface SpawnedNode {
  bootstrap: string
  port: number
  dataDir: string
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr, for failure messages. */
  output: () => string
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>
  /** kill -9: no chance to flush or close anything. */
  killHard: () => Promise<number | string>
  /** SIGTERM and wait for a clean exit. */
  stop: () => Promise<number | string>
}

export interface SpawnNodeOptions {
  dataDir: string
  port: number
  extraArgs?: string[]
  startTimeoutMs?: number
}

export async function spawnNode (t: TestContext, options: SpawnNodeOptions): Promise<SpawnedNode> {
  const { dataDir, port } = options
  const extraArgs = options.extraArgs ?? []
  // No TLS listener unless the test asks for one: its default port 9098 would clash between tests.
  const tlsArgs = extraArgs.some(arg => arg.startsWith('--tls')) ? [] : ['--no-tls']
  // Nor the control plane, whose default port 9099 would clash too.
  if (!extraArgs.some(arg => arg.startsWith('--api'))) tlsArgs.push('--no-api')
  const args = ['up', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'info', ...tlsArgs, ...extraArgs]
  const env = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('SKIFF_')) delete env[name]
  const child = spawn(path.join(repositoryRoot, 'bin/skiff'), args, { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text })
  const exited = new Promise<number | string>(resolve => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })

  const timeoutMs = options.startTimeoutMs ?? 60_000
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`skiff up did not start within ${timeoutMs} ms; output:\n${output}`))
    }, timeoutMs)
    const onData = (): void => {
      if (output.includes('Skiff is up')) {
        cleanup()
        resolve()
      }
    }
    const onExit = (): void => {
      cleanup()
      reject(new Error(`skiff up exited before it was up; output:\n${output}`))
    }
    const cleanup = (): void => {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
    onData()
  })

  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    dataDir,
    child,
    output: () => output,
    exited,
    async killHard () {
      child.kill('SIGKILL')
      return await exited
    },
    async stop () {
      child.kill('SIGTERM')
      return await exited
    }
  }
}
