// Every control-plane operation Skiff serves (spec 6.2); the server registers one route for each.
import type { ControlPlaneOperation } from '../operation.ts'
import { createClusterV2 } from './create-cluster-v2.ts'
import { deleteCluster } from './delete-cluster.ts'
import { describeClusterV2 } from './describe-cluster-v2.ts'
import { getBootstrapBrokers } from './get-bootstrap-brokers.ts'
import { listClustersV2 } from './list-clusters-v2.ts'
import { listTagsForResource } from './list-tags-for-resource.ts'
import { tagResource } from './tag-resource.ts'
import { untagResource } from './untag-resource.ts'

export const operations: readonly ControlPlaneOperation[] = [
  createClusterV2,
  describeClusterV2,
  listClustersV2,
  getBootstrapBrokers,
  deleteCluster,
  tagResource,
  untagResource,
  listTagsForResource
]
