// TagResource, UntagResource and ListTagsForResource through fastify.inject (spec 6.2): 204 with
// an empty body for the changes, {"tags": {...}} for the list, AWS errors for bad requests.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCluster, startControlPlaneKit } from '../../../test/helpers/control-plane-kit.ts'

test('TagResource adds and overwrites tags, UntagResource removes some, ListTagsForResource shows them', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'tagged', { tags: { env: 'dev' } })
  const path = `/v1/tags/${encodeURIComponent(arn)}`
  const list = async () => (await kit.request({ method: 'GET', path })).json() as unknown

  assert.deepEqual(await list(), { tags: { env: 'dev' } })
  const tagged = await kit.request({ method: 'POST', path, body: { tags: { env: 'prod', team: 'data', owner: 'me' } } })
  assert.equal(tagged.statusCode, 204)
  assert.equal(tagged.body, '')
  assert.deepEqual(await list(), { tags: { env: 'prod', owner: 'me', team: 'data' } })

  const untagged = await kit.request({ method: 'DELETE', path, query: { tagKeys: ['team', 'owner', 'absent'] } })
  assert.equal(untagged.statusCode, 204)
  assert.equal(untagged.body, '')
  assert.deepEqual(await list(), { tags: { env: 'prod' } })
  assert.equal((await kit.request({ method: 'DELETE', path, query: { tagKeys: 'env' } })).statusCode, 204)
  assert.deepEqual(await list(), { tags: {} })
})

test('tag requests refuse missing tags or keys, bad keys, too many tags, and unknown or malformed ARNs', async t => {
  const kit = await startControlPlaneKit(t)
  const arn = await createCluster(kit, 'tagged')
  const path = `/v1/tags/${encodeURIComponent(arn)}`
  const expectError = async (response: { statusCode: number, json: () => unknown }, status: number, type: string, message: RegExp) => {
    assert.equal(response.statusCode, status)
    const body = response.json() as { __type: string, message: string }
    assert.equal(body.__type, type)
    assert.match(body.message, message)
  }
  await expectError(await kit.request({ method: 'POST', path, body: {} }), 400, 'BadRequestException', /tags is required/)
  await expectError(await kit.request({ method: 'POST', path, body: { tags: ['a'] } }), 400, 'BadRequestException', /map of tag keys/)
  await expectError(await kit.request({ method: 'POST', path, body: { tags: { '': 'x' } } }), 400, 'BadRequestException', /1-128 characters/)
  await expectError(await kit.request({ method: 'POST', path, body: { tags: { k: 'v'.repeat(257) } } }), 400, 'BadRequestException', /longer than 256/)
  await kit.request({ method: 'POST', path, body: { tags: Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`a${index}`, 'v'])) } })
  await expectError(
    await kit.request({ method: 'POST', path, body: { tags: Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`b${index}`, 'v'])) } }),
    400, 'BadRequestException', /would have 60 tags/
  )
  await expectError(await kit.request({ method: 'DELETE', path }), 400, 'BadRequestException', /tagKeys is required/)
  await expectError(await kit.request({ method: 'DELETE', path, query: { tagKeys: 'aws:created' } }), 400, 'BadRequestException', /reserved prefix/)
  const unknown = `/v1/tags/${encodeURIComponent(arn.replace(/[0-9a-f-]{36}-s1$/, '22222222-2222-2222-2222-222222222222-s1'))}`
  await expectError(await kit.request({ method: 'GET', path: unknown }), 404, 'NotFoundException', /not found/)
  await expectError(await kit.request({ method: 'POST', path: unknown, body: { tags: { a: 'b' } } }), 404, 'NotFoundException', /not found/)
  await expectError(await kit.request({ method: 'GET', path: '/v1/tags/arn%3Aaws%3As3%3A%3A%3Abucket' }), 400, 'BadRequestException', /the service is 's3'/)
})
