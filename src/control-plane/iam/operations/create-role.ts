// IAM CreateRole: a role with its trust policy (AssumeRolePolicyDocument, validated), Path,
// Description and MaxSessionDuration (3600 to 43200 s); checked on the ARN the role will have.
import { iamRoleArn } from '../../../security/iam/control-plane-actions.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { roleShape } from '../iam-shapes.ts'

export const createRole = defineQueryOperation({
  service: 'iam',
  action: 'CreateRole',
  authorization: 'policy',
  isMutating: true,
  resource: ({ params, accountId }) => iamRoleArn(accountId, params.required('RoleName'), params.optional('Path') ?? '/'),
  async run ({ params, store, accountId }) {
    params.refuseUnsupported(['PermissionsBoundary', 'Tags'], 'permissions boundaries and IAM tags are not kept')
    const role = await store.createRole(accountId, {
      roleName: params.required('RoleName'),
      path: params.optional('Path'),
      assumeRolePolicyDocument: params.required('AssumeRolePolicyDocument'),
      maxSessionDurationSec: params.integer('MaxSessionDuration', 3600, 43200),
      description: params.optional('Description')
    })
    return { Role: roleShape(role) }
  }
})
