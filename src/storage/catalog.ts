// The Catalog interface: every piece of metadata Skiff keeps (clusters, topics, partitions,
// batch coordinates, nodes, consumer groups and their committed offsets). Offsets are assigned here, in one transaction per flush, which
// makes the Catalog the sequencer of the diskless log (DESIGN.md, "The data path").
// Every row is keyed by cluster; topic ids are UUIDs unique across clusters.

export interface ClusterRecord {
  clusterId: string
  name: string
  state: 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED'
  createdAtMs: number
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
}

export type AppendResult =
  | { errorCode: 0, baseOffset: number, logStartOffset: number }
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

export interface Catalog {
  close(): Promise<void>

  createCluster(cluster: ClusterRecord): Promise<void>
  getCluster(clusterId: string): Promise<ClusterRecord | undefined>
  listClusters(): Promise<ClusterRecord[]>

  /** Creates the topic and its partitions (offsets 0/0). Throws KafkaError TOPIC_ALREADY_EXISTS. */
  createTopic(topic: TopicRecord): Promise<void>
  getTopic(clusterId: string, name: string): Promise<TopicRecord | undefined>
  getTopicById(clusterId: string, topicId: string): Promise<TopicRecord | undefined>
  listTopics(clusterId: string): Promise<TopicRecord[]>
  /** Removes the topic, its partitions, coordinates and committed offsets. Returns the removed topic, if any. */
  deleteTopic(clusterId: string, name: string): Promise<TopicRecord | undefined>
  /** Raises the partition count; throws KafkaError INVALID_PARTITIONS when not an increase. */
  setPartitionCount(clusterId: string, name: string, partitionCount: number): Promise<void>
  /** Replaces the topic's explicitly set configs. */
  setTopicConfigs(clusterId: string, name: string, configs: Record<string, string>): Promise<void>

  getPartitionOffsets(topicId: string, partition: number): Promise<PartitionOffsets | undefined>
  /**
   * The commit of one flush, in one transaction: for each append, in order, check the partition
   * exists, assign offsets from its high watermark, record its coordinates. Results are in the
   * order of `appends`. A failed append (e.g. partition gone) does not fail the others.
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
   * OFFSET_OUT_OF_RANGE above the high watermark) and drops coordinates wholly below it.
   */
  advanceLogStartOffset(topicId: string, partition: number, offset: number): Promise<number>
  /** Retention: drops leading coordinates as the options say; returns the new logStartOffset. */
  expireBatches(topicId: string, partition: number, options: ExpireOptions): Promise<number>
  /** Total stored bytes of a partition's live coordinates. */
  partitionSizeBytes(topicId: string, partition: number): Promise<number>
  /** Object keys that at least one live coordinate points into (for deleting unused objects). */
  listReferencedObjectKeys(): Promise<Set<string>>

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
}
