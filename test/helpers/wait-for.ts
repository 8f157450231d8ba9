// Polling for a condition instead of fixed sleeps: retries until the check returns a value other
// than undefined/false, or fails with the last problem seen once the time is up.

export interface WaitForOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Says what is awaited, for the timeout message. */
  what?: string
}

export async function waitFor<T> (
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' }: WaitForOptions = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastProblem: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      lastProblem = error
    }
    if (Date.now() > deadline) {
      const reason = lastProblem instanceof Error ? `: last error ${lastProblem.message}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastProblem })
    }
    await delay(intervalMs)
  }
}

export async function delay (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
