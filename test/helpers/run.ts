// Runs a command-line client (kcat, a Python script) to completion and returns what it printed;
// a non-zero exit, a signal or a timeout fails with the whole output, so a test failure says why.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { repositoryRoot } from './spawn-node.ts'

/** Debian's client packages (python3-kafka, python3-confluent-kafka) belong to this interpreter. */
export const PYTHON = '/usr/bin/python3'

export interface RunOptions {
  input?: string | Buffer
  timeoutMs?: number
  env?: Record<string, string>
  /** Accept a non-zero exit instead of throwing. */
  allowFailure?: boolean
}

export interface RunResult {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

export async function run (command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const child = spawn(command, args, {
    cwd: repositoryRoot,
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  child.stdin.on('error', () => {})
  child.stdin.end(options.input ?? '')
  let isTimedOut = false
  const timer = setTimeout(() => {
    isTimedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]))
  }).finally(() => clearTimeout(timer))
  const result = { code, signal, stdout, stderr }
  if (isTimedOut) throw new Error(`${describe(command, args)} timed out after ${timeoutMs} ms\n${show(result)}`)
  if (code !== 0 && options.allowFailure !== true) throw new Error(`${describe(command, args)} failed (${code ?? signal})\n${show(result)}`)
  return result
}

/** Runs one of the Python scripts next to the end-to-end tests with Debian's interpreter. */
export async function runPythonScript (script: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return await run(PYTHON, [path.join(repositoryRoot, 'test/e2e', script), ...args], options)
}

function describe (command: string, args: readonly string[]): string {
  return [command, ...args].map(part => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(' ')
}

function show ({ stdout, stderr }: RunResult): string {
  const tail = (text: string): string => (text.length > 8000 ? `...${text.slice(-8000)}` : text)
  return `--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`
}
