// IAM DeletePolicy: DeleteConflict while the policy is attached to any user or role.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { policyResource } from '../iam-resources.ts'

export const deletePolicy = defineQueryOperation({
  service: 'iam',
  action: 'DeletePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: policyResource,
  async run ({ params, store, accountId }) {
    await store.policies.deletePolicy(accountId, params.required('PolicyArn'))
    return undefined
  }
})
