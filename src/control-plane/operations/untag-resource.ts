// UntagResource (DELETE /v1/tags/{resourceArn}?tagKeys=k1&tagKeys=k2): removes tags; 204.
import { badRequest } from '../errors.ts'
import { defineOperation, findCluster, pathParameter } from '../operation.ts'
import { isRecord, tagKeyProblem } from '../validation.ts'

export const untagResource = defineOperation({
  name: 'UntagResource',
  method: 'DELETE',
  url: '/v1/tags/:resourceArn',
  successStatus: 204,
  async handle (context) {
    const query = context.request.query
    const given = isRecord(query) ? query.tagKeys : undefined
    const tagKeys = given === undefined ? [] : typeof given === 'string' ? [given] : given as string[]
    if (tagKeys.length === 0) throw badRequest('tagKeys is required: give the keys of the tags to remove', 'tagKeys')
    for (const key of tagKeys) {
      const problem = tagKeyProblem(key)
      if (problem !== undefined) throw badRequest(`tagKeys: ${problem}`, 'tagKeys')
    }
    const { cluster } = await findCluster(context, pathParameter(context, 'resourceArn'), 'resourceArn')
    await context.catalog.untagCluster(cluster.clusterId, tagKeys)
    return undefined
  }
})
