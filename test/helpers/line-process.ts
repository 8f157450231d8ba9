// A long-running client process (a consumer group member, say) whose JSON stdout lines a test reads
// while it runs; stopped and reaped at the end of the test.
import { spawn, type ChildProcess } from 'node:child_process'
import type { TestContext } from 'node:test'
import { repositoryRoot } from './spawn-node.ts'
import { waitFor, type WaitForOptions } from './wait-for.ts'

export class LineProcess<Line = Record<string, unknown>> {
  readonly name: string
  readonly lines: Line[] = []
  readonly exited: Promise<number | null>
  #stderr = ''
  #child: ChildProcess

  constructor (t: TestContext, name: string, command: string, args: readonly string[]) {
    this.name = name
    this.#child = spawn(command, args, { cwd: repositoryRoot, env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let partial = ''
    this.#child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      partial += text
      const complete = partial.split('\n')
      partial = complete.pop() ?? ''
      for (const line of complete) {
        if (line.trim() === '') continue
        try {
          this.lines.push(JSON.parse(line) as Line)
        } catch {
          this.#stderr += `(stdout) ${line}\n`
        }
      }
    })
    this.#child.stderr!.setEncoding('utf8').on('data', (text: string) => { this.#stderr += text })
    this.exited = new Promise(resolve => this.#child.once('close', code => resolve(code)))
    t.after(async () => {
      if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL')
      await this.exited
    })
  }

  get stderr (): string {
    return this.#stderr
  }

  /** Waits for a line matching `match` (among all lines so far, from `fromIndex`). */
  async waitForLine (match: (line: Line) => boolean, options: WaitForOptions & { fromIndex?: number } = {}): Promise<Line> {
    return await waitFor(() => this.lines.slice(options.fromIndex ?? 0).find(match), {
      what: `a line from ${this.name}`, timeoutMs: 30_000, ...options
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n--- ${this.name} stderr (tail)\n${this.#stderr.slice(-3000)}`)
    })
  }

  kill (): void {
    this.#child.kill('SIGKILL')
  }
}
