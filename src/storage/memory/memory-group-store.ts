// The consumer-group half of the in-process Catalog: group records and committed offsets kept in
// maps, with the same behavior as the SQLite tables (one contract suite).
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CommittedOffset, CreateGroupResult, GroupPartition, GroupRecord } from '../catalog.ts'

interface GroupState {
  record: GroupRecord
  /** `${topicId}/${partition}` -> offset. */
  offsets: Map<string, CommittedOffset>
}

function offsetKey (topicId: string, partition: number): string {
  return `${topicId}/${partition}`
}

function byTopicAndPartition (a: CommittedOffset, b: CommittedOffset): number {
  if (a.topicId !== b.topicId) return a.topicId < b.topicId ? -1 : 1
  return a.partition - b.partition
}

export class MemoryGroupStore {
  /** clusterId -> groupId -> group. */
  readonly #clusters = new Map<string, Map<string, GroupState>>()
  /** Says whether a partition exists in a cluster; the topics live in MemoryCatalog. */
  readonly #hasPartition: (clusterId: string, topicId: string, partition: number) => boolean

  constructor (hasPartition: (clusterId: string, topicId: string, partition: number) => boolean) {
    this.#hasPartition = hasPartition
  }

  createGroup (group: GroupRecord, maxGroupsPerCluster: number): CreateGroupResult {
    let groups = this.#clusters.get(group.clusterId)
    if (groups?.has(group.groupId) === true) return 'exists'
    if ((groups?.size ?? 0) >= maxGroupsPerCluster) return 'limit-reached'
    if (groups === undefined) {
      groups = new Map()
      this.#clusters.set(group.clusterId, groups)
    }
    groups.set(group.groupId, { record: { ...group }, offsets: new Map() })
    return 'created'
  }

  getGroup (clusterId: string, groupId: string): GroupRecord | undefined {
    const state = this.#clusters.get(clusterId)?.get(groupId)
    return state === undefined ? undefined : { ...state.record }
  }

  listGroups (clusterId: string): GroupRecord[] {
    return [...(this.#clusters.get(clusterId)?.values() ?? [])]
      .map(state => ({ ...state.record }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
  }

  updateGroup (clusterId: string, groupId: string, changes: Pick<GroupRecord, 'protocolType' | 'state' | 'generationId'>): boolean {
    const state = this.#clusters.get(clusterId)?.get(groupId)
    if (state === undefined) return false
    const { protocolType, state: groupState, generationId } = changes
    state.record = { ...state.record, protocolType, state: groupState, generationId }
    return true
  }

  deleteGroup (clusterId: string, groupId: string): boolean {
    return this.#clusters.get(clusterId)?.delete(groupId) ?? false
  }

  commitOffsets (clusterId: string, groupId: string, offsets: readonly CommittedOffset[]): number[] {
    const state = this.#clusters.get(clusterId)?.get(groupId)
    // Checked first, written second: one bad partition fails only its own entry.
    return offsets.map(offset => {
      if (state === undefined) return ErrorCode.GROUP_ID_NOT_FOUND
      if (!this.#hasPartition(clusterId, offset.topicId, offset.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      state.offsets.set(offsetKey(offset.topicId, offset.partition), { ...offset })
      return 0
    })
  }

  fetchOffsets (clusterId: string, groupId: string, partitions?: readonly GroupPartition[]): CommittedOffset[] {
    const state = this.#clusters.get(clusterId)?.get(groupId)
    if (state === undefined) return []
    const found = partitions === undefined
      ? [...state.offsets.values()]
      : partitions.flatMap(({ topicId, partition }) => {
        const offset = state.offsets.get(offsetKey(topicId, partition))
        return offset === undefined ? [] : [offset]
      })
    return [...new Set(found)].map(offset => ({ ...offset })).sort(byTopicAndPartition)
  }

  deleteOffsets (clusterId: string, groupId: string, partitions: readonly GroupPartition[]): number {
    const state = this.#clusters.get(clusterId)?.get(groupId)
    if (state === undefined) return 0
    let count = 0
    for (const { topicId, partition } of partitions) {
      if (state.offsets.delete(offsetKey(topicId, partition))) count++
    }
    return count
  }

  /** Drops every group (and its offsets) of a deleted cluster. */
  forgetCluster (clusterId: string): void {
    this.#clusters.delete(clusterId)
  }

  /** Drops every committed offset of a deleted topic. */
  forgetTopic (clusterId: string, topicId: string): void {
    for (const state of this.#clusters.get(clusterId)?.values() ?? []) {
      for (const [key, offset] of state.offsets) {
        if (offset.topicId === topicId) state.offsets.delete(key)
      }
    }
  }
}
