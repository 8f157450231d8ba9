// Fetch sessions (KIP-227): a client's full fetch may open a session; later incremental fetches
// send only what changed, and the response holds only partitions with news. Sessions live in the
// memory of the node that created them; an unknown session id makes the client start over.
import { randomInt } from 'node:crypto'

export interface SessionPartition {
  topicId: string
  topicName: string
  partition: number
  fetchOffset: number
  maxBytes: number
  /** What the last response told the client, to decide whether the partition has news. */
  lastHighWatermark: number
  lastLogStartOffset: number
}

export class FetchSession {
  readonly id: number
  /** The epoch the next incremental request must carry. */
  nextEpoch = 1
  lastUsedMs: number
  readonly partitions = new Map<string, SessionPartition>()

  constructor (id: number, nowMs: number) {
    this.id = id
    this.lastUsedMs = nowMs
  }
}

export function sessionPartitionKey (topicId: string, partition: number): string {
  return `${topicId}:${partition}`
}

export class FetchSessionCache {
  readonly #sessions = new Map<number, FetchSession>()
  readonly #maxSessions: number
  readonly #idleTimeoutMs: number

  constructor (maxSessions = 1000, idleTimeoutMs = 120_000) {
    this.#maxSessions = maxSessions
    this.#idleTimeoutMs = idleTimeoutMs
  }

  get size (): number {
    return this.#sessions.size
  }

  /** A new session, or undefined when the cache is full of live sessions (the client then fetches sessionless). */
  create (nowMs: number): FetchSession | undefined {
    this.#evictIdle(nowMs)
    if (this.#sessions.size >= this.#maxSessions) return undefined
    let id = 0
    while (id === 0 || this.#sessions.has(id)) id = randomInt(1, 0x7fffffff)
    const session = new FetchSession(id, nowMs)
    this.#sessions.set(id, session)
    return session
  }

  get (id: number): FetchSession | undefined {
    return this.#sessions.get(id)
  }

  remove (id: number): void {
    this.#sessions.delete(id)
  }

  #evictIdle (nowMs: number): void {
    for (const [id, session] of this.#sessions) {
      if (nowMs - session.lastUsedMs > this.#idleTimeoutMs) this.#sessions.delete(id)
    }
  }
}
