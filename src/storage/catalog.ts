// The Catalog interface: every piece of metadata Skiff keeps (clusters, topics, partitions,
// batch coordinates, nodes, consumer groups and their committed offsets, producer ids and
// producer state). Offsets are assigned here, in one transaction per flush, which makes the
// Catalog the sequencer of the diskless log (DESIGN.md, "The data path"); idempotent-producer
// sequences are checked in the same transaction, and so is a transactional batch's membership of
// its producer's open transaction; transaction markers close it there and record aborted ranges.
// Every row is keyed by cluster; topic ids are UUIDs unique across clusters. The IAM half
// (accounts, users, keys, policies) is in catalog-identities.ts.
import type { IdentityCatalog } from './catalog-identities.ts'

/** A cluster's life cycle as MSK Serverless has it: CREATING -> ACTIVE -> DELETING (-> gone); FAILED on error. */
export type ClusterState = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED'

/** The `serverless` part of a CreateClusterV2 request, kept to be echoed by DescribeClusterV2. */
export interface ServerlessClusterSettings {
  vpcConfigs: Array<{ subnetIds: string[], securityGroupIds?: string[] }>
  clientAuthentication?: { sasl?: { iam?: { enabled?: boolean } } }
}

/**
 * A cluster: a namespace every other record is keyed by. The optional fields are set for clusters
 * made through the control plane (CreateClusterV2), whose clusterId is the last segment of the
 * ARN; the node's configured default cluster has none of them.
 */
export interface ClusterRecord {
  clusterId: string
  name: string
  state: ClusterState
  createdAtMs: number
  /** arn:aws:kafka:<region>:<accountId>:cluster/<name>/<clusterId>. */
  arn?: string
  /** The owning account; a name is unique among the clusters of one account. */
  accountId?: string
  serverless?: ServerlessClusterSettings
  /** The TLS port every node serves this cluster on; unique in the deployment. */
  bootstrapPort?: number
  /** Why the cluster is FAILED (DescribeClusterV2 stateInfo.message). */
  stateMessage?: string
}

export interface TopicRecord {
  clusterId: string
  /** Kafka topic id, a UUID string such as crypto.randomUUID() makes. */
  topicId: string
  name: string
  partitionCount: number
  /** Only the configs set on the topic; defaults are applied by the broker. */
  configs: Record<string, string>
  createdAtMs: number
}

export interface PartitionOffsets {
  logStartOffset: number
  /** Next offset to be assigned; every offset below it is committed. */
  highWatermark: number
}

/** One validated record batch of a flush, placed at `position` inside the flushed object. */
export interface BatchAppend {
  clusterId: string
  topicId: string
  partition: number
  position: number
  size: number
  /** lastOffsetDelta + 1: how many offsets the batch takes. */
  offsetCount: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  isTransactional: boolean
  isControl: boolean
  /** For a control batch: the transaction marker it carries (written by the transaction coordinator only). */
  controlType?: 'commit' | 'abort'
}

/**
 * A committed append, or the refusal of one. `isDuplicate` marks a retry of a batch the producer
 * already appended (one of its last five): it is answered with the original baseOffset, and
 * nothing was stored or assigned for it (its bytes sit in the object with no coordinate).
 */
export type AppendResult =
  | { errorCode: 0, baseOffset: number, logStartOffset: number, isDuplicate?: true }
  | { errorCode: number, message: string }

/**
 * Where a run of contiguous batches of one partition is stored. Batches committed together
 * and adjacent in the object share one coordinate row; the bytes hold them back to back.
 */
export interface BatchCoordinate {
  baseOffset: number
  lastOffset: number
  objectKey: string
  position: number
  size: number
  maxTimestamp: number
}

/** One of the last batches a producer appended to a partition, kept to recognise its retries. */
export interface ProducerBatch {
  baseSequence: number
  /** baseSequence + lastOffsetDelta, wrapping past 2^31 - 1 to 0 as Kafka counts. */
  lastSequence: number
  baseOffset: number
  lastOffset: number
}

/**
 * What a partition remembers of one idempotent (or transactional) producer: the epoch and the last
 * batches appended with it, to check the next batch's sequence and to answer retries, as Kafka's
 * ProducerStateEntry does. Transactions build on the last two fields.
 */
export interface ProducerPartitionState {
  producerId: number
  producerEpoch: number
  /** The last batches appended with `producerEpoch`, oldest first, at most five. */
  batches: ProducerBatch[]
  /** maxTimestamp of the last batch appended: DescribeProducers reports it and expiry goes by it, as in Kafka. */
  lastTimestamp: number
  /** Epoch of the transaction coordinator that wrote the last marker; -1 while there are none. */
  coordinatorEpoch: number
  /** First offset of the producer's open transaction in this partition; -1 when none is open. */
  currentTxnFirstOffset: number
}

/** A producer id handed out by InitProducerId, with its current epoch. */
export interface ProducerIdRecord {
  clusterId: string
  producerId: number
  producerEpoch: number
  /** The epoch before the last bump, so that a retried bump gets the same answer (KIP-360); -1 when none. */
  lastProducerEpoch: number
  /** Null for an idempotent producer; transactions key their producers by it. */
  transactionalId: string | null
  /** When InitProducerId last allocated or bumped it: ids unused for long are expired. */
  updatedAtMs: number
}

/**
 * What bumpProducerEpoch did (KIP-360, a producer re-initialising after an error): raised the epoch
 * the producer holds; found it already raised, the producer retrying a bump whose answer it lost;
 * refused it because the producer holds neither (fenced); found no such producer id in the
 * cluster; or found the epoch at its limit, so the producer needs a new id.
 */
export type ProducerEpochBump =
  | { outcome: 'bumped' | 'retried' | 'fenced', producerEpoch: number }
  | { outcome: 'unknown' | 'exhausted' }

/** An aborted transaction of one producer in one partition: its records lie in [firstOffset, lastOffset], the abort marker at lastOffset. */
export interface AbortedTransaction {
  producerId: number
  firstOffset: number
  lastOffset: number
}

/** A transaction's state as Kafka's TransactionState names it (DescribeTransactions shows these). */
export type TransactionState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort'

/** An offset a transaction commits for a group (TxnOffsetCommit), stored when the transaction commits. */
export interface PendingTxnOffset extends CommittedOffset {
  groupId: string
}

/**
 * A transactional id as its coordinator keeps it: the producer id and epoch it fences with, and the
 * open transaction's partitions, groups and pending offsets. Data batches of the producer are
 * accepted only in partitions of its Ongoing transaction, at its epoch (checked in commitAppends).
 */
export interface TransactionRecord {
  clusterId: string
  transactionalId: string
  producerId: number
  producerEpoch: number
  /** The epoch before the last bump, so that a retried InitProducerId gets the same answer; -1 when none. */
  lastProducerEpoch: number
  timeoutMs: number
  state: TransactionState
  /** When the open transaction started (its first partition or group was added); -1 when none is open. */
  startedAtMs: number
  updatedAtMs: number
  partitions: GroupPartition[]
  groupIds: string[]
  pendingOffsets: PendingTxnOffset[]
}

export interface NodeRecord {
  nodeId: number
  host: string
  port: number
  rack: string | null
  leaseExpiresAtMs: number
}

export interface ExpireOptions {
  /** Drop leading coordinates whose maxTimestamp is below this (retention.ms). */
  maxTimestampBefore?: number
  /** Drop leading coordinates while at least this many bytes would remain (retention.bytes, as Kafka keeps it). */
  retainBytes?: number
}

/**
 * A consumer group as the Catalog keeps it: enough to count, list and describe groups that no
 * node has loaded. Members live only in the memory of the group's coordinator (DESIGN.md).
 */
export interface GroupRecord {
  clusterId: string
  groupId: string
  /** 'consumer' for consumer groups; '' for a group that only commits offsets (assign() + commit). */
  protocolType: string
  /** The classic group state as Kafka spells it: Empty, PreparingRebalance, CompletingRebalance, Stable. */
  state: string
  generationId: number
  createdAtMs: number
}

/** What createGroup did: made the group, found it already there, or refused it at the cluster's limit. */
export type CreateGroupResult = 'created' | 'exists' | 'limit-reached'

export interface GroupPartition {
  topicId: string
  partition: number
}

/** One committed offset of a group (OffsetCommit), keyed by topic id so a recreated topic starts afresh. */
export interface CommittedOffset {
  topicId: string
  partition: number
  committedOffset: number
  /** -1 when the client sent none. */
  leaderEpoch: number
  metadata: string
  commitTimestampMs: number
}

export interface Catalog extends IdentityCatalog {
  close(): Promise<void>

  /**
   * Stores a new cluster with its tags. Throws ServiceError CLUSTER_NAME_TAKEN when the account
   * has a cluster of that name, CLUSTER_PORT_TAKEN when another cluster has the bootstrap port,
   * STORAGE_CONFLICT when the id is in use.
   */
  createCluster(cluster: ClusterRecord, tags?: Readonly<Record<string, string>>): Promise<void>
  getCluster(clusterId: string): Promise<ClusterRecord | undefined>
  /** Every cluster, oldest first. */
  listClusters(): Promise<ClusterRecord[]>
  /** Sets the state (and the FAILED reason, cleared when omitted); returns the updated cluster, undefined when it does not exist. */
  setClusterState(clusterId: string, state: ClusterState, stateMessage?: string): Promise<ClusterRecord | undefined>
  /**
   * Removes the cluster and everything of it in one transaction: topics, partitions, coordinates,
   * groups, committed offsets, producer ids and state, transactions, aborted ranges, tags. Returns
   * false when it did not exist. Objects the coordinates pointed into are left to retention.
   */
  deleteCluster(clusterId: string): Promise<boolean>
  /** The cluster's tags by key; empty when it has none or does not exist. */
  getClusterTags(clusterId: string): Promise<Record<string, string>>
  /** Adds or overwrites tags; false when the cluster does not exist. */
  tagCluster(clusterId: string, tags: Readonly<Record<string, string>>): Promise<boolean>
  /** Removes the tags of these keys (absent ones are ignored); false when the cluster does not exist. */
  untagCluster(clusterId: string, tagKeys: readonly string[]): Promise<boolean>

  /** Creates the topic and its partitions (offsets 0/0). Throws KafkaError TOPIC_ALREADY_EXISTS. */
  createTopic(topic: TopicRecord): Promise<void>
  getTopic(clusterId: string, name: string): Promise<TopicRecord | undefined>
  getTopicById(clusterId: string, topicId: string): Promise<TopicRecord | undefined>
  listTopics(clusterId: string): Promise<TopicRecord[]>
  /** Removes the topic, its partitions, coordinates, producer state and committed offsets. Returns the removed topic, if any. */
  deleteTopic(clusterId: string, name: string): Promise<TopicRecord | undefined>
  /** Raises the partition count; throws KafkaError INVALID_PARTITIONS when not an increase. */
  setPartitionCount(clusterId: string, name: string, partitionCount: number): Promise<void>
  /** Replaces the topic's explicitly set configs. */
  setTopicConfigs(clusterId: string, name: string, configs: Record<string, string>): Promise<void>

  getPartitionOffsets(topicId: string, partition: number): Promise<PartitionOffsets | undefined>
  /**
   * The commit of one flush, in one transaction: for each append, in order, check the partition
   * exists, check the producer's epoch and sequence when it has a producer id (>= 0; a retry of
   * one of its last five batches is answered as a duplicate, see producer-sequences.ts), assign
   * offsets from the high watermark, record the coordinates and the producer's state. Results are
   * in the order of `appends`. A failed append (e.g. partition gone) does not fail the others.
   */
  commitAppends(objectKey: string, appends: readonly BatchAppend[]): Promise<AppendResult[]>
  /** Coordinates with lastOffset >= fromOffset, ascending, until `maxBytes` is reached (at least one row). */
  findBatches(topicId: string, partition: number, fromOffset: number, maxBytes: number): Promise<BatchCoordinate[]>
  /** The first coordinate whose maxTimestamp >= timestamp. */
  findBatchByTimestamp(topicId: string, partition: number, timestamp: number): Promise<BatchCoordinate | undefined>
  /** The coordinate holding the largest maxTimestamp (the earliest one on ties). */
  findMaxTimestampBatch(topicId: string, partition: number): Promise<BatchCoordinate | undefined>
  /**
   * DeleteRecords: moves logStartOffset up to `offset` (never down; throws KafkaError
   * OFFSET_OUT_OF_RANGE above the high watermark) and drops coordinates wholly below it, and the
   * state of producers whose last batch lies wholly below it (as Kafka does when the log start moves).
   */
  advanceLogStartOffset(topicId: string, partition: number, offset: number): Promise<number>
  /** Retention: drops leading coordinates as the options say, and producer state as advanceLogStartOffset does; returns the new logStartOffset. */
  expireBatches(topicId: string, partition: number, options: ExpireOptions): Promise<number>
  /** Total stored bytes of a partition's live coordinates. */
  partitionSizeBytes(topicId: string, partition: number): Promise<number>
  /** Object keys that at least one live coordinate points into (for deleting unused objects). */
  listReferencedObjectKeys(): Promise<Set<string>>

  /**
   * InitProducerId: the next producer id of the deployment's sequence (never handed out twice,
   * whatever the cluster or node), recorded at epoch 0 without a transactional id.
   */
  allocateProducerId(clusterId: string, nowMs: number): Promise<ProducerIdRecord>
  /**
   * KIP-360, in one transaction: raises the producer's epoch by one when `expectedEpoch` is its
   * current epoch; answers the current epoch again when `expectedEpoch` is the one before the
   * last bump; otherwise fenced. See ProducerEpochBump.
   */
  bumpProducerEpoch(clusterId: string, producerId: number, expectedEpoch: number, nowMs: number): Promise<ProducerEpochBump>
  /** The producer id as InitProducerId last left it, if it is of this cluster and not expired. */
  getProducerId(clusterId: string, producerId: number): Promise<ProducerIdRecord | undefined>
  /** DescribeProducers: the producers a partition holds state for, by producer id. */
  listPartitionProducers(topicId: string, partition: number): Promise<ProducerPartitionState[]>
  /**
   * Forgets producers idle since before `idleBeforeMs` (Kafka's producer.id.expiration.ms): partition
   * state whose lastTimestamp is older, and producer ids last allocated or bumped before then.
   * Returns how many entries of either kind went.
   */
  expireProducers(idleBeforeMs: number): Promise<number>

  /** Registers a node (nodeId -1 to allocate one) or renews its lease; returns the node id. */
  registerNode(node: NodeRecord): Promise<number>
  listLiveNodes(nowMs: number): Promise<NodeRecord[]>

  /**
   * Creates the group unless it exists or the cluster already has `maxGroupsPerCluster` groups;
   * the count and the insert are one transaction.
   */
  createGroup(group: GroupRecord, maxGroupsPerCluster: number): Promise<CreateGroupResult>
  getGroup(clusterId: string, groupId: string): Promise<GroupRecord | undefined>
  /** The cluster's groups by group id. */
  listGroups(clusterId: string): Promise<GroupRecord[]>
  /** Records a group's protocol type, state and generation; false when the group does not exist. */
  updateGroup(clusterId: string, groupId: string, changes: Pick<GroupRecord, 'protocolType' | 'state' | 'generationId'>): Promise<boolean>
  /** Removes the group and its committed offsets; false when it did not exist. */
  deleteGroup(clusterId: string, groupId: string): Promise<boolean>
  /**
   * Stores the offsets (replacing earlier ones of the same partitions) in one transaction and
   * answers an error code per offset, in order: 0, UNKNOWN_TOPIC_OR_PARTITION when the partition
   * does not exist in the cluster, GROUP_ID_NOT_FOUND when the group does not.
   */
  commitOffsets(clusterId: string, groupId: string, offsets: readonly CommittedOffset[]): Promise<number[]>
  /** The group's committed offsets of these partitions (all of them when omitted), by topic id and partition. */
  fetchOffsets(clusterId: string, groupId: string, partitions?: readonly GroupPartition[]): Promise<CommittedOffset[]>
  /** Removes the group's committed offsets of these partitions; returns how many there were. */
  deleteOffsets(clusterId: string, groupId: string, partitions: readonly GroupPartition[]): Promise<number>

  /** A partition's aborted transactions whose abort marker is at or after `fromOffset`, by marker offset. */
  listAbortedTransactions(topicId: string, partition: number, fromOffset: number): Promise<AbortedTransaction[]>
  getTransaction(clusterId: string, transactionalId: string): Promise<TransactionRecord | undefined>
  /** The cluster's transactional ids by id. */
  listTransactions(clusterId: string): Promise<TransactionRecord[]>
  /** Stores the transaction as given (its partitions replacing the stored ones), in one transaction. */
  saveTransaction(record: TransactionRecord): Promise<void>
  /**
   * Ends a transaction whose markers are written, in one transaction: stores `offsets` as the
   * groups' committed offsets (those of partitions or groups that no longer exist are dropped) and
   * the record as given (state CompleteCommit or CompleteAbort, no partitions, groups or pending offsets).
   */
  completeTransaction(record: TransactionRecord, offsets: readonly PendingTxnOffset[]): Promise<void>
}
