// Keeps a floor under the V8 heap's headroom, so that full garbage collections stay rare.
//
// V8 starts a full mark-compact once the old generation plus the ArrayBuffer bytes allocated since
// the last one pass a limit: the live size times a growing factor, but often only ~8 MB above it
// for a small heap. Record batches are ArrayBuffers that live for a while (in the flush buffer, the
// tail cache, socket writes), so at 30 MB/s of produce a node did a full collection every ~170 ms,
// each pausing every request in flight for several ms. After each full collection this sets V8's
// growing factor so that the next limit is at least `headroomBytes` above the live heap. A heap so
// large that V8's least factor (1.1) already gives that much gets V8's own factor back. V8 still
// caps the limit halfway to the heap's maximum size.
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
