// IAM GetPolicy: a managed policy of the account by ARN (without its document, as in IAM).
import { defineQueryOperation } from '../../query/query-operation.ts'
import { policyResource } from '../iam-resources.ts'
import { policyShape } from '../iam-shapes.ts'

export const getPolicy = defineQueryOperation({
  service: 'iam',
  action: 'GetPolicy',
  authorization: 'policy',
  isMutating: false,
  resource: policyResource,
  async run ({ params, store, accountId }) {
    return { Policy: policyShape(await store.policies.getPolicy(accountId, params.required('PolicyArn'))) }
  }
})
