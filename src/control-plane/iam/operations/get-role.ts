// IAM GetRole: the role with its URL-encoded trust policy.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { roleResource } from '../iam-resources.ts'
import { roleShape } from '../iam-shapes.ts'

export const getRole = defineQueryOperation({
  service: 'iam',
  action: 'GetRole',
  authorization: 'policy',
  isMutating: false,
  resource: roleResource,
  async run ({ params, store, accountId }) {
    return { Role: roleShape(await store.getRole(accountId, params.required('RoleName'))) }
  }
})
