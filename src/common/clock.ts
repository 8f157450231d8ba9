// Injected time, so tests can control timeouts and timestamps.

export interface Clock {
  nowMs: () => number
}

export const systemClock: Clock = { nowMs: () => Date.now() }
