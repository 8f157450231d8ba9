// The IAM operations Skiff serves over the query protocol, one module each.
import type { QueryOperation } from '../../query/query-operation.ts'
import { attachRolePolicy } from './attach-role-policy.ts'
import { attachUserPolicy } from './attach-user-policy.ts'
import { createAccessKey } from './create-access-key.ts'
import { createPolicy } from './create-policy.ts'
import { createRole } from './create-role.ts'
import { createUser } from './create-user.ts'
import { deleteAccessKey } from './delete-access-key.ts'
import { deletePolicy } from './delete-policy.ts'
import { deleteRolePolicy } from './delete-role-policy.ts'
import { deleteRole } from './delete-role.ts'
import { deleteUserPolicy } from './delete-user-policy.ts'
import { deleteUser } from './delete-user.ts'
import { detachRolePolicy } from './detach-role-policy.ts'
import { detachUserPolicy } from './detach-user-policy.ts'
import { getPolicy } from './get-policy.ts'
import { getRolePolicy } from './get-role-policy.ts'
import { getRole } from './get-role.ts'
import { getUserPolicy } from './get-user-policy.ts'
import { simulatePrincipalPolicy } from './simulate-principal-policy.ts'
import { getUser } from './get-user.ts'
import { listAccessKeys } from './list-access-keys.ts'
import { listAttachedRolePolicies } from './list-attached-role-policies.ts'
import { listAttachedUserPolicies } from './list-attached-user-policies.ts'
import { listPolicies } from './list-policies.ts'
import { listRolePolicies } from './list-role-policies.ts'
import { listRoles } from './list-roles.ts'
import { listUserPolicies } from './list-user-policies.ts'
import { listUsers } from './list-users.ts'
import { putRolePolicy } from './put-role-policy.ts'
import { putUserPolicy } from './put-user-policy.ts'
import { updateAccessKey } from './update-access-key.ts'

export const IAM_OPERATIONS: readonly QueryOperation[] = [
  createUser, getUser, listUsers, deleteUser,
  createAccessKey, listAccessKeys, updateAccessKey, deleteAccessKey,
  putUserPolicy, getUserPolicy, listUserPolicies, deleteUserPolicy,
  attachUserPolicy, detachUserPolicy, listAttachedUserPolicies,
  createPolicy, getPolicy, listPolicies, deletePolicy,
  createRole, getRole, listRoles, deleteRole,
  putRolePolicy, getRolePolicy, listRolePolicies, deleteRolePolicy,
  attachRolePolicy, detachRolePolicy, listAttachedRolePolicies,
  simulatePrincipalPolicy
]
