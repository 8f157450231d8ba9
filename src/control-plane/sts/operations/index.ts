// The STS operations Skiff serves over the query protocol.
import type { QueryOperation } from '../../query/query-operation.ts'
import { assumeRole } from './assume-role.ts'
import { getCallerIdentity } from './get-caller-identity.ts'

export const STS_OPERATIONS: readonly QueryOperation[] = [assumeRole, getCallerIdentity]
