// ListTransactions (key 66), v0-1: the cluster's transactional ids, filtered by state, producer id
// and (v1) by having run longer than a duration, as kafka-transactions.sh --list shows them. A
// state filter Kafka does not know is listed back in unknownStateFilters. On an IAM listener only
// the transactional ids the principal may DescribeTransactionalId are listed (never an error).
import { ListTransactionsApi } from '../../protocol/messages/list-transactions.ts'
import { defineHandler } from '../handler.ts'

const STATES = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'])

export const listTransactionsHandler = defineHandler({
  api: ListTransactionsApi,
  versions: { min: 0, max: 1 },
  async handle (request, { services, clusterId, access }) {
    const nowMs = services.clock.nowMs()
    const states = new Set(request.stateFilters)
    const producerIds = new Set(request.producerIdFilters)
    const records = await services.catalog.listTransactions(clusterId)
    const transactionStates = records
      .filter(record => access.allows('transactional-id', record.transactionalId, 'main', true))
      .filter(record => states.size === 0 || states.has(record.state))
      .filter(record => producerIds.size === 0 || producerIds.has(record.producerId))
      .filter(record => request.durationFilter < 0 || (record.startedAtMs >= 0 && nowMs - record.startedAtMs >= request.durationFilter))
      .map(({ transactionalId, producerId, state }) => ({ transactionalId, producerId, transactionState: state }))
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters: request.stateFilters.filter(state => !STATES.has(state)),
      transactionStates
    }
  }
})
