// Transaction markers: the control batches a transaction coordinator writes into each partition of
// a transaction when it ends. One control record, key = version 0 + type (0 abort, 1 commit),
// value = version 0 + the coordinator epoch, as Kafka's EndTransactionMarker encodes them.
import { Attributes } from '../protocol/records/record-batch.ts'
import { buildRecordBatch } from '../protocol/records/record-batch-builder.ts'

export interface TransactionMarker {
  producerId: number
  producerEpoch: number
  commit: boolean
  timestamp: number
  coordinatorEpoch?: number
}

const ABORT = 0
const COMMIT = 1

export function buildControlBatch (marker: TransactionMarker): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(marker.commit ? COMMIT : ABORT, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(marker.coordinatorEpoch ?? 0, 2)
  return buildRecordBatch({
    records: [{ key, value }],
    baseTimestamp: marker.timestamp,
    attributes: Attributes.transactional | Attributes.control,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1
  })
}
