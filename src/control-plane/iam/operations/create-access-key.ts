// IAM CreateAccessKey: a new Active key for UserName (default: the calling user); the only answer
// that ever carries the secret. LimitExceeded beyond two keys per user.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userNameOrCaller, userOrCallerResource } from '../iam-resources.ts'
import { isoDate } from '../../query/xml.ts'

export const createAccessKey = defineQueryOperation({
  service: 'iam',
  action: 'CreateAccessKey',
  authorization: 'policy',
  isMutating: true,
  resource: userOrCallerResource,
  async run (context) {
    const key = await context.store.createAccessKey(context.accountId, userNameOrCaller(context))
    return {
      AccessKey: {
        UserName: key.userName,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        SecretAccessKey: key.secretAccessKey,
        CreateDate: isoDate(key.createdAtMs)
      }
    }
  }
})
