import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_SEQUENCE, decideEpochBump, lastSequenceOf, nextSequence } from './producer-sequences.ts'

test('lastSequenceOf and nextSequence wrap from 2^31 - 1 to 0', () => {
  assert.equal(lastSequenceOf(0, 1), 0)
  assert.equal(lastSequenceOf(10, 5), 14)
  assert.equal(lastSequenceOf(MAX_SEQUENCE, 1), MAX_SEQUENCE)
  assert.equal(lastSequenceOf(MAX_SEQUENCE, 2), 0)
  assert.equal(lastSequenceOf(MAX_SEQUENCE - 2, 10), 6)
  assert.equal(nextSequence(MAX_SEQUENCE), 0)
  assert.equal(nextSequence(41), 42)
})

test('decideEpochBump bumps the current epoch, repeats a retried bump, fences the rest and stops at 32766', () => {
  assert.deepEqual(decideEpochBump({ producerEpoch: 0, lastProducerEpoch: -1 }, 0), { outcome: 'bumped', producerEpoch: 1 })
  assert.deepEqual(decideEpochBump({ producerEpoch: 5, lastProducerEpoch: 4 }, 4), { outcome: 'retried', producerEpoch: 5 })
  assert.deepEqual(decideEpochBump({ producerEpoch: 5, lastProducerEpoch: 4 }, 3), { outcome: 'fenced', producerEpoch: 5 })
  assert.deepEqual(decideEpochBump({ producerEpoch: 5, lastProducerEpoch: -1 }, -1), { outcome: 'fenced', producerEpoch: 5 })
  assert.deepEqual(decideEpochBump({ producerEpoch: 32_765, lastProducerEpoch: 32_764 }, 32_765), { outcome: 'bumped', producerEpoch: 32_766 })
  assert.deepEqual(decideEpochBump({ producerEpoch: 32_766, lastProducerEpoch: 32_765 }, 32_766), { outcome: 'exhausted' })
  assert.deepEqual(decideEpochBump({ producerEpoch: 32_766, lastProducerEpoch: 32_765 }, 32_765), { outcome: 'retried', producerEpoch: 32_766 })
})
