// Every Kafka API handler this node serves. ApiVersions answers from this list.
import type { AnyHandler } from '../handler.ts'
import { apiVersionsHandler } from './api-versions.ts'
import { saslHandshakeHandler } from './sasl-handshake.ts'
import { saslAuthenticateHandler } from './sasl-authenticate.ts'
import { metadataHandler } from './metadata.ts'
import { produceHandler } from './produce.ts'
import { fetchHandler } from './fetch.ts'
import { listOffsetsHandler } from './list-offsets.ts'
import { createTopicsHandler } from './create-topics.ts'
import { deleteTopicsHandler } from './delete-topics.ts'
import { deleteRecordsHandler } from './delete-records.ts'
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.ts'
import { describeConfigsHandler } from './describe-configs.ts'
import { alterConfigsHandler } from './alter-configs.ts'
import { createPartitionsHandler } from './create-partitions.ts'
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.ts'
import { describeClusterHandler } from './describe-cluster.ts'
import { describeProducersHandler } from './describe-producers.ts'
import { initProducerIdHandler } from './init-producer-id.ts'
import { findCoordinatorHandler } from './find-coordinator.ts'
import { joinGroupHandler } from './join-group.ts'
import { syncGroupHandler } from './sync-group.ts'
import { heartbeatHandler } from './heartbeat.ts'
import { leaveGroupHandler } from './leave-group.ts'
import { offsetCommitHandler } from './offset-commit.ts'
import { offsetFetchHandler } from './offset-fetch.ts'
import { offsetDeleteHandler } from './offset-delete.ts'
import { listGroupsHandler } from './list-groups.ts'
import { describeGroupsHandler } from './describe-groups.ts'
import { deleteGroupsHandler } from './delete-groups.ts'
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.ts'
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.ts'
import { txnOffsetCommitHandler } from './txn-offset-commit.ts'
import { endTxnHandler } from './end-txn.ts'
import { describeTransactionsHandler } from './describe-transactions.ts'
import { listTransactionsHandler } from './list-transactions.ts'
import { consumerGroupHeartbeatHandler } from './consumer-group-heartbeat.ts'
import { consumerGroupDescribeHandler } from './consumer-group-describe.ts'

export const handlers: readonly AnyHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  saslHandshakeHandler,
  saslAuthenticateHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  offsetForLeaderEpochHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClusterHandler,
  describeProducersHandler,
  initProducerIdHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  offsetDeleteHandler,
  listGroupsHandler,
  describeGroupsHandler,
  deleteGroupsHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  txnOffsetCommitHandler,
  endTxnHandler,
  describeTransactionsHandler,
  listTransactionsHandler,
  consumerGroupHeartbeatHandler,
  consumerGroupDescribeHandler
]
