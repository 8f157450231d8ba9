// What the classic group coordinator and the offsets need to know of the node's consumer-protocol
// (KIP-848) groups, so that one group id names one group per cluster whichever protocol made it.
// The consumer-group coordinator implements it; the classic side only sees this interface.

export type ConsumerGroupHolding = 'members' | 'empty'

export interface ConsumerGroupDirectory {
  /** 'members' or 'empty' when a consumer-protocol group holds the id on this node; undefined when none does. */
  holding: (clusterId: string, groupId: string) => ConsumerGroupHolding | undefined
  /** Gives up an empty consumer-protocol group (as Kafka converts it) so a classic one can take the id; false if it has members. */
  release: (clusterId: string, groupId: string) => boolean
  /**
   * OffsetCommit checks of a consumer-protocol group (Kafka's ConsumerGroup.validateOffsetCommit):
   * 0 to commit, an error code, or undefined when no consumer-protocol group holds the id.
   */
  validateOffsetCommit: (clusterId: string, groupId: string, memberId: string, memberEpoch: number, apiVersion: number) => number | undefined
  /** Topic names the group's members subscribe to (by name or regex), or undefined when no consumer-protocol group holds the id. */
  subscribedTopicNames: (clusterId: string, groupId: string) => ReadonlySet<string> | undefined
}
