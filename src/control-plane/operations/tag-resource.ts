// TagResource (POST /v1/tags/{resourceArn}, body {"tags": {...}}): adds or overwrites tags; 204.
import { badRequest } from '../errors.ts'
import { defineOperation, findCluster, pathParameter } from '../operation.ts'
import { MAX_TAGS, tagMap } from '../validation.ts'

export const tagResource = defineOperation({
  name: 'TagResource',
  method: 'POST',
  url: '/v1/tags/:resourceArn',
  successStatus: 204,
  async handle (context) {
    const tags = tagMap(context.body.tags, 'tags', { isRequired: true })
    const { cluster, tags: current } = await findCluster(context, pathParameter(context, 'resourceArn'), 'resourceArn')
    const count = new Set([...Object.keys(current), ...Object.keys(tags)]).size
    if (count > MAX_TAGS) throw badRequest(`the cluster would have ${count} tags; a resource can have at most ${MAX_TAGS}`, 'tags')
    await context.catalog.tagCluster(cluster.clusterId, tags)
    return undefined
  }
})
