// Long-poll support: fetches with nothing to return wait here until a commit touches one of
// their partitions or their max wait time passes.

interface Watcher {
  keys: string[]
  wake: () => void
}

export class PartitionWatchers {
  readonly #byKey = new Map<string, Set<Watcher>>()
  /** Every waiting watcher, including those with no partition, so wakeAll reaches them all. */
  readonly #all = new Set<Watcher>()
  /** Counts notifications; a reader notes it before reading so that it misses no commit after. */
  #sequence = 0
  readonly #lastChange = new Map<string, number>()

  get sequence (): number {
    return this.#sequence
  }

  /**
   * Waits for a notification on one of the keys, returning at once if one came after `sinceSequence`.
   * With no keys it waits the whole time, as Kafka does for a fetch of no partitions: resolving at
   * once would let a fetch loop spin on the event loop until its maxWaitMs.
   */
  wait (keys: string[], timeoutMs: number, sinceSequence: number): Promise<void> {
    if (timeoutMs <= 0) return Promise.resolve()
    if (keys.some(key => (this.#lastChange.get(key) ?? -1) > sinceSequence)) return Promise.resolve()
    return new Promise(resolve => {
      const watcher: Watcher = {
        keys,
        wake: () => {
          clearTimeout(timer)
          this.#remove(watcher)
          resolve()
        }
      }
      const timer = setTimeout(watcher.wake, timeoutMs)
      this.#all.add(watcher)
      for (const key of keys) {
        let set = this.#byKey.get(key)
        if (set === undefined) {
          set = new Set()
          this.#byKey.set(key, set)
        }
        set.add(watcher)
      }
    })
  }

  notify (key: string): void {
    this.#sequence++
    this.#lastChange.set(key, this.#sequence)
    const set = this.#byKey.get(key)
    if (set === undefined) return
    for (const watcher of [...set]) watcher.wake()
  }

  /** Forgets the change marks of partitions that are gone. */
  forget (key: string): void {
    this.#lastChange.delete(key)
  }

  wakeAll (): void {
    for (const watcher of [...this.#all]) watcher.wake()
  }

  #remove (watcher: Watcher): void {
    this.#all.delete(watcher)
    for (const key of watcher.keys) {
      const set = this.#byKey.get(key)
      if (set === undefined) continue
      set.delete(watcher)
      if (set.size === 0) this.#byKey.delete(key)
    }
  }
}
