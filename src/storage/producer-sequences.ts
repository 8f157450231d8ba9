// The idempotent-producer rules every Catalog applies inside its commit, batch by batch in commit
// order: epoch and sequence checks against what the partition remembers of the producer, and the
// recognition of a retried batch among the last five. They follow Kafka 3.x (ProducerAppendInfo,
// ProducerStateEntry), including KIP-360's acceptance of any sequence from a producer the
// partition does not know (its state expired, or its records were deleted).
import { ErrorCode } from '../protocol/error-codes.ts'
import type { AbortedTransaction, AppendResult, BatchAppend, ProducerBatch, ProducerPartitionState } from './catalog.ts'

/** How many batches per producer and partition are remembered to answer retries (Kafka's NUM_BATCHES_TO_RETAIN). */
export const RETAINED_BATCHES = 5

/** Sequences are int32 and wrap from this to 0. */
export const MAX_SEQUENCE = 2_147_483_647

/** Producer epochs are int16; at MAX_PRODUCER_EPOCH - 1 Kafka stops bumping and hands out a new producer id. */
export const MAX_PRODUCER_EPOCH = 32_767

/** A batch's last sequence: its base sequence plus lastOffsetDelta, wrapping past MAX_SEQUENCE to 0. */
export function lastSequenceOf (baseSequence: number, offsetCount: number): number {
  const last = baseSequence + offsetCount - 1
  return last > MAX_SEQUENCE ? last - MAX_SEQUENCE - 1 : last
}

/** The sequence that must follow `lastSequence`. */
export function nextSequence (lastSequence: number): number {
  return lastSequence === MAX_SEQUENCE ? 0 : lastSequence + 1
}

export type ProducerBatchCheck =
  | { kind: 'append' }
  | { kind: 'duplicate', batch: ProducerBatch }
  | { kind: 'refused', errorCode: number, message: string }

function refused (errorCode: number, message: string): ProducerBatchCheck {
  return { kind: 'refused', errorCode, message }
}

/**
 * Checks one batch of a producer (producerId >= 0) against the partition's state of it, in Kafka's
 * order: a retry of a remembered batch of the same epoch is a duplicate; an older epoch is
 * INVALID_PRODUCER_EPOCH; a newer epoch must start at sequence 0; the same epoch must continue at
 * the last sequence + 1; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER. A producer the partition
 * does not know may start anywhere.
 */
export function checkProducerBatch (state: ProducerPartitionState | undefined, append: BatchAppend): ProducerBatchCheck {
  const { producerId, producerEpoch, baseSequence } = append
  if (baseSequence < 0 || producerEpoch < 0) {
    // Kafka's LogValidator refuses these before any state is looked at.
    return refused(ErrorCode.INVALID_RECORD,
      `invalid sequence number ${baseSequence} or epoch ${producerEpoch} in a record batch with producerId ${producerId}`)
  }
  if (state === undefined) return { kind: 'append' }
  const lastSequence = lastSequenceOf(baseSequence, append.offsetCount)
  if (producerEpoch === state.producerEpoch) {
    const duplicate = state.batches.find(batch => batch.baseSequence === baseSequence && batch.lastSequence === lastSequence)
    if (duplicate !== undefined) return { kind: 'duplicate', batch: duplicate }
  }
  if (producerEpoch < state.producerEpoch) {
    return refused(ErrorCode.INVALID_PRODUCER_EPOCH,
      `epoch ${producerEpoch} of producer ${producerId} is older than its last epoch ${state.producerEpoch} on this partition`)
  }
  if (producerEpoch > state.producerEpoch) {
    if (baseSequence === 0) return { kind: 'append' }
    return refused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `new epoch ${producerEpoch} of producer ${producerId} starts at sequence ${baseSequence}, not 0`)
  }
  const last = state.batches.at(-1)
  const expected = last === undefined ? 0 : nextSequence(last.lastSequence)
  if (baseSequence === expected) return { kind: 'append' }
  return refused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    `out of order sequence number for producer ${producerId} epoch ${producerEpoch}: ${baseSequence} (incoming), ${expected} (expected)`)
}

/**
 * Records an appended batch (one checkProducerBatch let through) in the producer's state, which it
 * creates when missing and changes in place: a new epoch forgets the batches of the old one, and
 * only the last RETAINED_BATCHES stay.
 */
export function recordProducerBatch (
  state: ProducerPartitionState | undefined, append: BatchAppend, baseOffset: number, lastOffset: number
): ProducerPartitionState {
  const batch: ProducerBatch = {
    baseSequence: append.baseSequence,
    lastSequence: lastSequenceOf(append.baseSequence, append.offsetCount),
    baseOffset,
    lastOffset
  }
  if (state === undefined) {
    return {
      producerId: append.producerId,
      producerEpoch: append.producerEpoch,
      batches: [batch],
      lastTimestamp: append.maxTimestamp,
      coordinatorEpoch: -1,
      currentTxnFirstOffset: -1
    }
  }
  if (state.producerEpoch !== append.producerEpoch) {
    state.producerEpoch = append.producerEpoch
    state.batches = []
  }
  state.batches.push(batch)
  if (state.batches.length > RETAINED_BATCHES) state.batches.splice(0, state.batches.length - RETAINED_BATCHES)
  state.lastTimestamp = append.maxTimestamp
  return state
}

/**
 * The commit's check of one append with a producer id: a transaction marker (control batch) is
 * refused only when its epoch is older than the partition's (a fenced coordinator's); a data batch
 * goes through checkProducerBatch, and a transactional one must also belong to its producer's
 * ongoing transaction (`isInOpenTransaction`, asked only then), as Kafka 3.6+ verifies (KIP-890).
 */
export function checkAppend (
  state: ProducerPartitionState | undefined, append: BatchAppend, isInOpenTransaction: () => boolean
): ProducerBatchCheck {
  if (append.isControl) {
    if (state !== undefined && append.producerEpoch < state.producerEpoch) {
      return refused(ErrorCode.INVALID_PRODUCER_EPOCH,
        `transaction marker epoch ${append.producerEpoch} of producer ${append.producerId} is older than its epoch ${state.producerEpoch} on this partition`)
    }
    return { kind: 'append' }
  }
  const check = checkProducerBatch(state, append)
  if (check.kind === 'append' && append.isTransactional && !isInOpenTransaction()) {
    return refused(ErrorCode.INVALID_TXN_STATE,
      `transactional batch of producer ${append.producerId} epoch ${append.producerEpoch} for a partition not added to its ongoing transaction`)
  }
  return check
}

/**
 * Every Catalog commit's first question about an append to an existing partition: the answer it
 * gets without being stored (an offset count that is not positive, a producer's retry of one of its
 * last batches, a refused sequence, epoch or transaction), or undefined when it is to be stored.
 * `isInOpenTransaction` is asked only for a transactional data batch.
 */
export function answerWithoutStoring (
  state: ProducerPartitionState | undefined, append: BatchAppend, logStartOffset: number, isInOpenTransaction: () => boolean
): AppendResult | undefined {
  if (!(append.offsetCount >= 1)) return { errorCode: ErrorCode.INVALID_RECORD, message: `offsetCount ${append.offsetCount} is not positive` }
  if (append.producerId < 0) return undefined
  const check = checkAppend(state, append, isInOpenTransaction)
  if (check.kind === 'duplicate') return { errorCode: 0, baseOffset: check.batch.baseOffset, logStartOffset, isDuplicate: true }
  if (check.kind === 'refused') return { errorCode: check.errorCode, message: check.message }
  return undefined
}

/**
 * Records an append checkAppend let through. A transactional batch opens the producer's
 * transaction in the partition if none is open; a marker closes it, raises the producer's epoch to
 * the marker's, and, when it aborts a transaction that wrote here, returns the aborted range.
 */
export function recordAppend (
  state: ProducerPartitionState | undefined, append: BatchAppend, baseOffset: number, lastOffset: number
): { state: ProducerPartitionState, aborted?: AbortedTransaction } {
  if (!append.isControl) {
    const recorded = recordProducerBatch(state, append, baseOffset, lastOffset)
    if (append.isTransactional && recorded.currentTxnFirstOffset < 0) recorded.currentTxnFirstOffset = baseOffset
    return { state: recorded }
  }
  const marked: ProducerPartitionState = state ?? {
    producerId: append.producerId,
    producerEpoch: append.producerEpoch,
    batches: [],
    lastTimestamp: append.maxTimestamp,
    coordinatorEpoch: -1,
    currentTxnFirstOffset: -1
  }
  if (append.producerEpoch > marked.producerEpoch) {
    marked.producerEpoch = append.producerEpoch
    marked.batches = []
  }
  const firstOffset = marked.currentTxnFirstOffset
  marked.currentTxnFirstOffset = -1
  marked.coordinatorEpoch = 0
  marked.lastTimestamp = Math.max(marked.lastTimestamp, append.maxTimestamp)
  if (append.controlType === 'abort' && firstOffset >= 0) {
    return { state: marked, aborted: { producerId: append.producerId, firstOffset, lastOffset: baseOffset } }
  }
  return { state: marked }
}

/** The last sequence DescribeProducers reports: that of the last batch, -1 when there is none. */
export function lastSequenceOfState (state: ProducerPartitionState): number {
  return state.batches.at(-1)?.lastSequence ?? -1
}

/** The offset after which the producer has nothing in the partition: its last batch's last offset, -1 when none. */
export function lastOffsetOfState (state: ProducerPartitionState): number {
  return state.batches.at(-1)?.lastOffset ?? -1
}

/**
 * KIP-360's rule for InitProducerId with the producer's current id and epoch: bump when the
 * expected epoch is the current one, repeat the answer when it is the one before the last bump,
 * fence otherwise; a bump past MAX_PRODUCER_EPOCH - 1 needs a new producer id.
 */
export function decideEpochBump (
  record: { producerEpoch: number, lastProducerEpoch: number }, expectedEpoch: number
): { outcome: 'bumped' | 'retried' | 'fenced', producerEpoch: number } | { outcome: 'exhausted' } {
  if (expectedEpoch === record.producerEpoch) {
    if (record.producerEpoch >= MAX_PRODUCER_EPOCH - 1) return { outcome: 'exhausted' }
    return { outcome: 'bumped', producerEpoch: record.producerEpoch + 1 }
  }
  if (record.lastProducerEpoch >= 0 && expectedEpoch === record.lastProducerEpoch) {
    return { outcome: 'retried', producerEpoch: record.producerEpoch }
  }
  return { outcome: 'fenced', producerEpoch: record.producerEpoch }
}
