// ListTagsForResource (GET /v1/tags/{resourceArn}): {"tags": {...}}.
import { defineOperation, findCluster, pathParameter } from '../operation.ts'

export const listTagsForResource = defineOperation({
  name: 'ListTagsForResource',
  method: 'GET',
  url: '/v1/tags/:resourceArn',
  successStatus: 200,
  async handle (context) {
    const { tags } = await findCluster(context, pathParameter(context, 'resourceArn'), 'resourceArn')
    return { tags }
  }
})
