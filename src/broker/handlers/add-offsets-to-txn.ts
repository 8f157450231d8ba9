// AddOffsetsToTxn (key 25), v0-4: a transactional producer adds a consumer group to its ongoing
// transaction, so that TxnOffsetCommit may commit the group's offsets with it. On an IAM listener
// the transactional id needs kafka-cluster:AlterTransactionalId (TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// then the group AlterGroup (GROUP_AUTHORIZATION_FAILED), checked in that order before anything else.
import { AddOffsetsToTxnApi } from '../../protocol/messages/add-offsets-to-txn.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'
import { transactionErrorFor } from '../transaction-errors.ts'

export const addOffsetsToTxnHandler = defineHandler({
  api: AddOffsetsToTxnApi,
  versions: { min: 0, max: 4 },
  async handle (request, { services, clusterId, apiVersion, access }) {
    const denied = access.firstError(['transactional-id', request.transactionalId], ['group', request.groupId])
    if (denied !== 0) return { throttleTimeMs: 0, errorCode: denied }
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID }
    const errorCode = await services.transactions.addOffsets({
      clusterId, transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch
    }, request.groupId)
    return { throttleTimeMs: 0, errorCode: transactionErrorFor(errorCode, apiVersion, 2) }
  }
})
