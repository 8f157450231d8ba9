// EndTxn (key 26), v0-4: commits or aborts the producer's ongoing transaction; the answer comes
// once the markers are in every partition of it. Version 5 (KIP-890's epoch bump per transaction)
// is not served. On an IAM listener the transactional id needs kafka-cluster:AlterTransactionalId
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
import { EndTxnApi } from '../../protocol/messages/end-txn.ts'
import { defineHandler } from '../handler.ts'
import { transactionErrorFor } from '../transaction-errors.ts'

export const endTxnHandler = defineHandler({
  api: EndTxnApi,
  versions: { min: 0, max: 4 },
  async handle (request, { services, clusterId, apiVersion, access }) {
    const denied = access.errorFor('transactional-id', request.transactionalId)
    if (denied !== 0) return { throttleTimeMs: 0, errorCode: denied, producerId: -1, producerEpoch: -1 }
    const errorCode = await services.transactions.endTransaction({
      clusterId, transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch
    }, request.committed)
    return { throttleTimeMs: 0, errorCode: transactionErrorFor(errorCode, apiVersion, 2), producerId: -1, producerEpoch: -1 }
  }
})
