// Long-poll support: fetches with nothing to return wait here until a commit touches one of
// their partitions or their max wait time passes.

interface Watcher {
  keys: string[]
  wake: () => void
}

export class PartitionWatchers {
  readonly #byKey = new Map<string, Set<Watcher>>()

  wait (keys: string[], timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0 || keys.length === 0) return Promise.resolve()
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
    const set = this.#byKey.get(key)
    if (set === undefined) return
    for (const watcher of [...set]) watcher.wake()
  }

  wakeAll (): void {
    for (const set of [...this.#byKey.values()]) {
      for (const watcher of [...set]) watcher.wake()
    }
  }

  #remove (watcher: Watcher): void {
    for (const key of watcher.keys) {
      const set = this.#byKey.get(key)
      if (set === undefined) continue
      set.delete(watcher)
      if (set.size === 0) this.#byKey.delete(key)
    }
  }
}
