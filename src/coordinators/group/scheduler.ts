// Delayed tasks for group coordination (session, rebalance and sync timeouts), behind an
// interface so unit tests can move time by hand instead of waiting for it.
import type { Clock } from '../../common/clock.ts'

export interface ScheduledTask {
  cancel: () => void
}

export interface Scheduler {
  /** Runs `task` once, `delayMs` from now, unless cancelled first. */
  schedule: (delayMs: number, task: () => void) => ScheduledTask
}

/** setTimeout runs longer delays at once; clients may send any int32 as a timeout. */
const MAX_DELAY_MS = 2_147_483_647

/** Real timers; they never keep the process alive on their own. */
export const systemScheduler: Scheduler = {
  schedule (delayMs, task) {
    const timer = setTimeout(task, Math.min(MAX_DELAY_MS, Math.max(0, delayMs)))
    timer.unref()
    return { cancel: () => clearTimeout(timer) }
  }
}

interface ManualTask {
  dueMs: number
  sequence: number
  task: () => void
  isCancelled: boolean
}

/** A clock and scheduler that only move when told to: `advance(ms)` runs what falls due, in order. */
export class ManualScheduler implements Scheduler, Clock {
  #nowMs: number
  #sequence = 0
  #tasks: ManualTask[] = []

  constructor (startMs = 1_700_000_000_000) {
    this.#nowMs = startMs
  }

  nowMs = (): number => this.#nowMs

  schedule (delayMs: number, task: () => void): ScheduledTask {
    const entry: ManualTask = { dueMs: this.#nowMs + Math.max(0, delayMs), sequence: this.#sequence++, task, isCancelled: false }
    this.#tasks.push(entry)
    return { cancel: () => { entry.isCancelled = true } }
  }

  /** Moves time forward by `ms`, running each task as its due time is reached (tasks may schedule more). */
  advance (ms: number): void {
    const targetMs = this.#nowMs + ms
    for (;;) {
      this.#tasks = this.#tasks.filter(entry => !entry.isCancelled)
      const next = this.#tasks
        .filter(entry => entry.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.sequence - b.sequence)[0]
      if (next === undefined) break
      this.#nowMs = Math.max(this.#nowMs, next.dueMs)
      next.isCancelled = true
      next.task()
    }
    this.#nowMs = targetMs
  }

  /** Tasks still waiting to run. */
  get pendingCount (): number {
    return this.#tasks.filter(entry => !entry.isCancelled).length
  }
}
