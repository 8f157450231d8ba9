// Committed offsets of consumer groups: OffsetCommit (with Kafka's generation and member checks for
// group members, and simple commits with generation -1 for groups without members), OffsetFetch
// and OffsetDelete. Offsets live in the Catalog, keyed by topic id; commits of one group are
// applied in the order they arrive.
import { KafkaError } from '../../common/errors.ts'
import type { Logger } from '../../common/logger.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { OffsetCommitRequest, OffsetCommitResponseTopic } from '../../protocol/messages/offset-commit.ts'
import type { OffsetDeleteRequest, OffsetDeleteResponseTopic } from '../../protocol/messages/offset-delete.ts'
import type { Catalog, CommittedOffset, GroupPartition, TopicRecord } from '../../storage/catalog.ts'
import type { GroupCoordinator, GroupRequestContext } from './group-coordinator.ts'
import { KeyedQueue } from './keyed-queue.ts'
import { OffsetCommitWriter } from './offset-commit-writer.ts'

/** Topic names and ids of a cluster, as the broker's TopicRegistry keeps them. */
export interface TopicLookup {
  get: (clusterId: string, name: string) => TopicRecord | undefined
  getById: (clusterId: string, topicId: string) => TopicRecord | undefined
}

export interface FetchedPartition {
  partitionIndex: number
  committedOffset: number
  committedLeaderEpoch: number
  metadata: string | null
  errorCode: number
}

export interface FetchedTopic {
  name: string
  partitions: FetchedPartition[]
}

export interface GroupOffsetsOptions {
  coordinator: GroupCoordinator
  catalog: Catalog
  topics: TopicLookup
  logger: Logger
}

function noOffset (partitionIndex: number): FetchedPartition {
  return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
}

function offsetKey (topicId: string, partition: number): string {
  return `${topicId}/${partition}`
}

export class GroupOffsets {
  readonly #coordinator: GroupCoordinator
  readonly #catalog: Catalog
  readonly #topics: TopicLookup
  readonly #logger: Logger
  /** Commits' checks and deletions of one group, in arrival order. */
  readonly #queues = new KeyedQueue()
  /** The checked commits' writes, in the same order, several per Catalog transaction when they pile up. */
  readonly #writer: OffsetCommitWriter

  constructor (options: GroupOffsetsOptions) {
    this.#coordinator = options.coordinator
    this.#catalog = options.catalog
    this.#writer = new OffsetCommitWriter(options.catalog)
    this.#topics = options.topics
    this.#logger = options.logger
  }

  /** OffsetCommit: an error code per partition; one bad partition never fails the others. */
  async commitOffsets (context: GroupRequestContext, request: OffsetCommitRequest): Promise<OffsetCommitResponseTopic[]> {
    const { clusterId } = context
    const { groupId } = request
    const { offsetMetadataMaxBytes } = this.#coordinator.settings
    const nowMs = this.#coordinator.clock.nowMs()
    const response = request.topics.map(topic => ({
      name: topic.name,
      partitions: topic.partitions.map(partition => ({ partitionIndex: partition.partitionIndex, errorCode: 0 }))
    }))
    const pending: Array<{ entry: { errorCode: number }, offset: CommittedOffset }> = []
    const unknown: string[] = []
    const tooLarge: string[] = []
    request.topics.forEach((topic, topicIndex) => {
      const record = this.#topics.get(clusterId, topic.name)
      topic.partitions.forEach((partition, partitionIndex) => {
        const entry = response[topicIndex]!.partitions[partitionIndex]!
        if (groupId === '') {
          entry.errorCode = ErrorCode.INVALID_GROUP_ID
        } else if (record === undefined || partition.partitionIndex < 0 || partition.partitionIndex >= record.partitionCount) {
          entry.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          unknown.push(`${topic.name}-${partition.partitionIndex}`)
        } else if (partition.committedMetadata !== null && partition.committedMetadata.length > offsetMetadataMaxBytes) {
          entry.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
          tooLarge.push(`${topic.name}-${partition.partitionIndex}`)
        } else {
          pending.push({
            entry,
            offset: {
              topicId: record.topicId,
              partition: partition.partitionIndex,
              committedOffset: partition.committedOffset,
              leaderEpoch: context.apiVersion >= 6 ? partition.committedLeaderEpoch : -1,
              metadata: partition.committedMetadata ?? '',
              commitTimestampMs: nowMs
            }
          })
        }
      })
    })
    const log = { group: groupId, memberId: request.memberId, generationId: request.generationIdOrMemberEpoch, clientId: context.clientId }
    if (unknown.length > 0) this.#logger.warn({ ...log, partitions: unknown }, 'OffsetCommit for unknown topics or partitions')
    if (tooLarge.length > 0) {
      this.#logger.warn({ ...log, partitions: tooLarge, offsetMetadataMaxBytes }, 'OffsetCommit metadata too large')
    }
    if (pending.length === 0) return response

    // Checked in order under the group's queue; the write is queued in the same order but awaited
    // outside it, so that commits arriving meanwhile share the next Catalog transaction.
    const written = await this.#queues.run(this.#key(clusterId, groupId), async () => {
      const errorCode = await this.#validateCommit(context, request)
      if (errorCode !== 0) {
        this.#logger.info({ ...log, errorCode }, 'OffsetCommit refused')
        for (const { entry } of pending) entry.errorCode = errorCode
        return undefined
      }
      return { results: this.#writer.write(clusterId, groupId, pending.map(({ offset }) => offset)) }
    })
    if (written === undefined) return response
    const results = await written.results
    pending.forEach(({ entry }, index) => { entry.errorCode = results[index] ?? ErrorCode.UNKNOWN_SERVER_ERROR })
    return response
  }

  /**
   * OffsetFetch for one group: the requested partitions (or, with `topics` null, every committed
   * one). A partition without a commit, of an unknown topic or of a group that does not exist
   * answers offset -1 and no error, as Kafka does. With `requireStable` the fetch waits for the
   * group's commits in flight (there are no transactional offsets yet to be unstable).
   */
  async fetchOffsets (clusterId: string, groupId: string, topics: ReadonlyArray<{ name: string, partitionIndexes: number[] }> | null,
    requireStable: boolean): Promise<FetchedTopic[]> {
    if (requireStable) {
      await this.#queues.idle(this.#key(clusterId, groupId))
      await this.#writer.idle(clusterId, groupId)
    }
    if (topics === null) {
      const byTopic = new Map<string, FetchedTopic>()
      for (const offset of await this.#catalog.fetchOffsets(clusterId, groupId)) {
        const topic = this.#topics.getById(clusterId, offset.topicId)
        if (topic === undefined) continue
        let fetched = byTopic.get(topic.topicId)
        if (fetched === undefined) {
          fetched = { name: topic.name, partitions: [] }
          byTopic.set(topic.topicId, fetched)
        }
        fetched.partitions.push(this.#fetched(offset))
      }
      return [...byTopic.values()]
    }
    const wanted: GroupPartition[] = []
    for (const { name, partitionIndexes } of topics) {
      const topic = this.#topics.get(clusterId, name)
      if (topic !== undefined) for (const partition of partitionIndexes) wanted.push({ topicId: topic.topicId, partition })
    }
    const found = new Map<string, CommittedOffset>()
    if (wanted.length > 0) {
      for (const offset of await this.#catalog.fetchOffsets(clusterId, groupId, wanted)) found.set(offsetKey(offset.topicId, offset.partition), offset)
    }
    return topics.map(({ name, partitionIndexes }) => {
      const topicId = this.#topics.get(clusterId, name)?.topicId
      return {
        name,
        partitions: partitionIndexes.map(partitionIndex => {
          const offset = topicId === undefined ? undefined : found.get(offsetKey(topicId, partitionIndex))
          return offset === undefined ? noOffset(partitionIndex) : this.#fetched(offset)
        })
      }
    })
  }

  /**
   * OffsetDelete: the group must exist and, unless it is a consumer group, have no members; a
   * topic a member subscribes to answers GROUP_SUBSCRIBED_TO_TOPIC for its partitions.
   */
  async deleteOffsets (clusterId: string, request: OffsetDeleteRequest): Promise<{ errorCode: number, topics: OffsetDeleteResponseTopic[] }> {
    const { groupId } = request
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] }
    return await this.#queues.run(this.#key(clusterId, groupId), async () => {
      // A consumer-protocol group may delete offsets of topics its members do not subscribe to.
      const consumerTopics = this.#coordinator.consumerGroups?.subscribedTopicNames(clusterId, groupId)
      const group = consumerTopics === undefined ? await this.#coordinator.group(clusterId, groupId) : undefined
      if (consumerTopics === undefined && (group === undefined || group.is('Dead'))) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] }
      const hasMembers = consumerTopics !== undefined ? consumerTopics.size > 0 : !group!.is('Empty')
      if (hasMembers && group !== undefined && group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] }
      const doomed: GroupPartition[] = []
      const topics = request.topics.map(({ name, partitions }) => {
        const topic = this.#topics.get(clusterId, name)
        const isSubscribed = hasMembers && (consumerTopics?.has(name) ?? group!.isSubscribedToTopic(name))
        return {
          name,
          partitions: partitions.map(({ partitionIndex }) => {
            if (topic === undefined || partitionIndex < 0 || partitionIndex >= topic.partitionCount) {
              return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
            }
            if (isSubscribed) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
            doomed.push({ topicId: topic.topicId, partition: partitionIndex })
            return { partitionIndex, errorCode: 0 }
          })
        }
      })
      await this.#writer.idle(clusterId, groupId) // commits queued before this deletion land first
      const count = doomed.length === 0 ? 0 : await this.#catalog.deleteOffsets(clusterId, groupId, doomed)
      this.#logger.info({ group: groupId, deleted: count }, 'committed offsets deleted')
      return { errorCode: 0, topics }
    })
  }

  /**
   * TxnOffsetCommit's checks against the group, run inside the transaction coordinator's own
   * ordering: a group without members is created if need be; a member's id and generation are
   * checked as OffsetCommit checks them when the client sends them (v3+); without them (generation
   * -1, no member id) the commit is taken whatever the group's state, as Kafka takes it.
   */
  async validateTransactionalCommit (context: GroupRequestContext,
    fields: { groupId: string, memberId: string, groupInstanceId: string | null, generationId: number }): Promise<number> {
    return await this.#queues.run(this.#key(context.clusterId, fields.groupId), () =>
      this.#validateCommit(context, { ...fields, generationIdOrMemberEpoch: fields.generationId }, true))
  }

  /** Kafka's checks of a commit against the group: an error code, or 0 to commit. */
  async #validateCommit (context: GroupRequestContext,
    request: Pick<OffsetCommitRequest, 'groupId' | 'memberId' | 'groupInstanceId' | 'generationIdOrMemberEpoch'>,
    isTransactional = false): Promise<number> {
    const { memberId, groupInstanceId } = request
    const generationId = request.generationIdOrMemberEpoch
    // A consumer-protocol (KIP-848) group checks the member epoch instead of a generation.
    const consumerError = this.#coordinator.consumerGroups?.validateOffsetCommit(context.clusterId, request.groupId, memberId, generationId, context.apiVersion)
    if (consumerError !== undefined) return consumerError
    let group
    try {
      // Generation -1 comes from a client outside group management (assign() + commit, admin
      // tools): it may commit for a group without members, which is created if need be.
      group = await this.#coordinator.group(context.clusterId, request.groupId, generationId < 0 ? '' : undefined)
    } catch (error) {
      if (error instanceof KafkaError) return error.errorCode
      throw error
    }
    if (group === undefined) return context.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (generationId < 0 && group.is('Empty')) return 0
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const memberError = group.validateMember(memberId, groupInstanceId)
      if (memberError !== 0) return memberError
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (isTransactional) {
      return 0
    } else if (!group.is('Empty')) {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    // A member between JoinGroup and its assignment cannot know what it owns yet.
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS
    this.#coordinator.keepAlive(group, memberId)
    return 0
  }

  #fetched (offset: CommittedOffset): FetchedPartition {
    return {
      partitionIndex: offset.partition,
      committedOffset: offset.committedOffset,
      committedLeaderEpoch: offset.leaderEpoch,
      metadata: offset.metadata,
      errorCode: 0
    }
  }

  #key (clusterId: string, groupId: string): string {
    return `${clusterId}\u0000${groupId}`
  }
}
