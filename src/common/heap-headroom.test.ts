import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'
import { growingPercentFor, keepHeapHeadroom } from './heap-headroom.ts'

const MiB = 1024 * 1024

test('the growing percent gives the headroom over the live heap, capped at 1000 %, and V8 its own factor for large heaps', () => {
  assert.equal(growingPercentFor(16 * MiB, 64 * MiB), 400)
  assert.equal(growingPercentFor(100 * MiB, 64 * MiB), 64)
  assert.equal(growingPercentFor(3 * MiB, 64 * MiB), 1000)
  assert.equal(growingPercentFor(0, 64 * MiB), 1000)
  // 64 MiB is 10 % of 640 MiB: V8's least factor (1.1) gives as much, so V8 decides.
  assert.equal(growingPercentFor(640 * MiB, 64 * MiB), 0)
  assert.equal(growingPercentFor(2048 * MiB, 64 * MiB), 0)
  assert.equal(growingPercentFor(600 * MiB, 64 * MiB), 11)
})

test('the growing percent is set at once and set again after a full collection finds a larger live heap', async t => {
  v8.setFlagsFromString('--expose-gc')
  const collect = vm.runInNewContext('gc') as () => void
  const decisions: number[] = []
  const stop = keepHeapHeadroom(64 * MiB, percent => decisions.push(percent))
  t.after(stop)
  assert.equal(decisions.length, 1)
  assert.ok(decisions[0]! > 0)
  // About 100 MB more live heap: the percent that gives 64 MiB over it is lower.
  const retained = Array.from({ length: 1_000_000 }, (_, index) => ({ index, label: `retained object ${index}` }))
  collect()
  for (let waited = 0; decisions.length < 2 && waited < 5000; waited += 20) await sleep(20)
  assert.equal(retained.length, 1_000_000)
  assert.equal(decisions.length, 2, `no new decision after a full collection (decisions: ${decisions.join(', ')})`)
  assert.ok(decisions[1]! < decisions[0]!, `decisions: ${decisions.join(', ')}`)
})
