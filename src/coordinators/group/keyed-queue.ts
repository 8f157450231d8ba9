// Runs async work one piece at a time per key (one group's loads, or one group's commits), in the
// order it was queued; different keys do not wait for each other.

export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  async run<T> (key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(work, work)
    const settled = result.then(() => undefined, () => undefined)
    this.#tails.set(key, settled)
    try {
      return await result
    } finally {
      if (this.#tails.get(key) === settled) this.#tails.delete(key)
    }
  }

  /** Resolves once everything queued for the key so far has finished. */
  async idle (key: string): Promise<void> {
    await this.#tails.get(key)
  }
}
