// Keeps a floor under the V8 heap's headroom, so that full garbage collections stay rare.
//
// A node taking 30 MB/s of produce, with about 15 MB of live heap, did a full mark-compact every
// ~170 ms: the limit V8 sets for such a small heap sits only a few MB above what the next one
// finds, and a broker allocates record batches steadily, which live for a while (flush buffer,
// tail cache, socket writes). Each one paused every request in flight for several ms: produce p99 was 23 ms at 30 MB/s,
// 15 ms with this. After each full collection this sets V8's growing factor so that the next limit
// is at least `headroomBytes` above the live heap. A heap so large that V8's least factor (1.1)
// already gives that much gets V8's own factor back. V8 still caps the limit halfway to the heap's
// maximum size.
import { PerformanceObserver, constants } from 'node:perf_hooks'
import v8 from 'node:v8'

/** V8's own least growing factor is 1.1: 10 % over the live heap. */
const V8_MIN_PERCENT = 10
const MAX_PERCENT = 1000

/**
 * The growing percent (factor - 1, in %) that gives `headroomBytes` over `liveBytes`, at most
 * 1000 %; 0 (V8's own factor) when V8's least factor gives that much already.
 */
export function growingPercentFor (liveBytes: number, headroomBytes: number): number {
  if (!(liveBytes > 0)) return MAX_PERCENT
  const percent = Math.ceil(headroomBytes / liveBytes * 100)
  return percent <= V8_MIN_PERCENT ? 0 : Math.min(MAX_PERCENT, percent)
}

/**
 * Applies the headroom now and after every full collection; returns a function that stops doing
 * so. `setGrowingPercent` is V8's flag unless a test watches the decisions.
 */
export function keepHeapHeadroom (
  headroomBytes: number,
  setGrowingPercent = (percent: number): void => { v8.setFlagsFromString(`--heap-growing-percent=${percent}`) }
): () => void {
  let applied = -1
  const apply = (): void => {
    const percent = growingPercentFor(v8.getHeapStatistics().used_heap_size, headroomBytes)
    if (percent === applied) return
    setGrowingPercent(percent)
    applied = percent
  }
  apply()
  const observer = new PerformanceObserver(list => {
    const entries = list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>
    if (entries.some(entry => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) apply()
  })
  observer.observe({ entryTypes: ['gc'] })
  return () => observer.disconnect()
}
