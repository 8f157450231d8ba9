// IAM ListAccessKeys: the user's keys (default: the calling user's), never their secrets.
import { pageOf, pagingXml } from '../../query/paging.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userNameOrCaller, userOrCallerResource } from '../iam-resources.ts'
import { accessKeyMetadataShape } from '../iam-shapes.ts'

export const listAccessKeys = defineQueryOperation({
  service: 'iam',
  action: 'ListAccessKeys',
  authorization: 'policy',
  isMutating: false,
  resource: userOrCallerResource,
  async run (context) {
    const keys = await context.store.listAccessKeys(context.accountId, userNameOrCaller(context))
    const page = pageOf(keys, context.params, key => key.accessKeyId)
    return { AccessKeyMetadata: page.items.map(accessKeyMetadataShape), ...pagingXml(page) }
  }
})
