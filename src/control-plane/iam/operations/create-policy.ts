// IAM CreatePolicy: a managed policy at version v1, its document validated (MalformedPolicyDocument,
// LimitExceeded past 6144 characters); checked on the ARN the policy will have.
import { iamPolicyArn } from '../../../security/iam/control-plane-actions.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { policyShape } from '../iam-shapes.ts'

export const createPolicy = defineQueryOperation({
  service: 'iam',
  action: 'CreatePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: ({ params, accountId }) => iamPolicyArn(accountId, params.required('PolicyName'), params.optional('Path') ?? '/'),
  async run ({ params, store, accountId }) {
    params.refuseUnsupported(['Tags'], 'IAM tags are not kept')
    const policy = await store.policies.createPolicy(accountId, {
      policyName: params.required('PolicyName'),
      path: params.optional('Path'),
      description: params.optional('Description'),
      document: params.required('PolicyDocument')
    })
    return { Policy: policyShape(policy) }
  }
})
