// Writes the latest state of things that change faster than the Catalog can record them (a group's
// state and generation): one write per key at a time, and a change made while one is in flight
// asks for exactly one more write afterwards, which reads the state as it then is. Failures are
// logged; the next change writes again.
import type { Logger } from '../../common/logger.ts'

interface Recording {
  isDirty: boolean
  done: Promise<void>
}

export class LatestStateWriter {
  readonly #logger: Logger
  readonly #recordings = new Map<string, Recording>()

  constructor (logger: Logger) {
    this.#logger = logger
  }

  /**
   * Asks for `write` to run for `key` (now, or once more after the write in flight). `write` returns
   * false when there is nothing left to write (the thing is gone).
   */
  record (key: string, write: () => Promise<boolean>, failureMessage: string): void {
    const pending = this.#recordings.get(key)
    if (pending !== undefined) {
      pending.isDirty = true
      return
    }
    const entry: Recording = { isDirty: true, done: Promise.resolve() }
    entry.done = (async () => {
      while (entry.isDirty) {
        entry.isDirty = false
        if (!await write()) break
      }
    })().catch((error: unknown) => {
      this.#logger.warn({ err: error, key }, failureMessage)
    }).finally(() => this.#recordings.delete(key))
    this.#recordings.set(key, entry)
  }

  /** Resolves once the key's writes so far are done. */
  async idle (key: string): Promise<void> {
    await this.#recordings.get(key)?.done
  }

  /** Resolves once every write so far is done. */
  async idleAll (): Promise<void> {
    await Promise.all([...this.#recordings.values()].map(entry => entry.done))
  }
}
