// IAM CreateUser: a user at Path (default `/`); checked on the ARN the user will have.
import { iamUserArn } from '../../../security/iam/control-plane-actions.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userShape } from '../iam-shapes.ts'

export const createUser = defineQueryOperation({
  service: 'iam',
  action: 'CreateUser',
  authorization: 'policy',
  isMutating: true,
  resource: ({ params, accountId }) => iamUserArn(accountId, params.required('UserName'), params.optional('Path') ?? '/'),
  async run ({ params, store, accountId }) {
    params.refuseUnsupported(['PermissionsBoundary', 'Tags'], 'permissions boundaries and IAM tags are not kept')
    const user = await store.createUser(accountId, { userName: params.required('UserName'), path: params.optional('Path') })
    return { User: userShape(user) }
  }
})
