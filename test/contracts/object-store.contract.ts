// The ObjectStore contract: one suite every ObjectStore backend runs (memory, fs, s3), so the
// log engine can rely on the same behavior whatever holds the bytes.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { ServiceError } from '../../src/common/errors.ts'
import type { ObjectLocation, ObjectStore } from '../../src/storage/object-store.ts'

export type OpenObjectStore = (t: TestContext) => Promise<ObjectStore>

export function isServiceError (code: string): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`)
    assert.equal(error.code, code)
    return true
  }
}

async function opened (open: OpenObjectStore, t: TestContext): Promise<ObjectStore> {
  const store = await open(t)
  t.after(() => store.close())
  return store
}

/** Objects placed in one key must not overlap. */
function assertDisjoint (locations: Array<{ location: ObjectLocation, size: number }>): void {
  const byKey = new Map<string, Array<[number, number]>>()
  for (const { location, size } of locations) {
    const ranges = byKey.get(location.objectKey) ?? []
    ranges.push([location.position, location.position + size])
    byKey.set(location.objectKey, ranges)
  }
  for (const ranges of byKey.values()) {
    ranges.sort((a, b) => a[0] - b[0])
    for (let index = 1; index < ranges.length; index++) {
      assert.ok(ranges[index - 1]![1] <= ranges[index]![0], 'two objects overlap')
    }
  }
}

export function runObjectStoreContract (name: string, open: OpenObjectStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it('reads back the exact bytes of an appended object', async t => {
      const store = await opened(open, t)
      const bytes = randomBytes(1000)
      const location = await store.append([bytes])
      assert.equal(typeof location.objectKey, 'string')
      assert.ok(location.position >= 0)
      assert.deepEqual(await store.read(location.objectKey, location.position, 1000), bytes)
      assert.deepEqual(await store.read(location.objectKey, location.position + 100, 50), bytes.subarray(100, 150))
    })

    it('stores the chunks of one append back to back, in order', async t => {
      const store = await opened(open, t)
      const chunks = [randomBytes(10), Buffer.alloc(0), randomBytes(3000), randomBytes(1)]
      const location = await store.append(chunks)
      assert.deepEqual(await store.read(location.objectKey, location.position, 3011), Buffer.concat(chunks))
    })

    it('keeps several appends apart, each readable', async t => {
      const store = await opened(open, t)
      const objects = [randomBytes(100), randomBytes(2000), randomBytes(1), randomBytes(64 * 1024)]
      const locations: ObjectLocation[] = []
      for (const object of objects) locations.push(await store.append([object]))
      assertDisjoint(locations.map((location, index) => ({ location, size: objects[index]!.length })))
      for (const [index, location] of locations.entries()) {
        assert.deepEqual(await store.read(location.objectKey, location.position, objects[index]!.length), objects[index])
      }
    })

    it('returns a copy that the reader may change', async t => {
      const store = await opened(open, t)
      const location = await store.append([Buffer.from('abcdef')])
      const first = await store.read(location.objectKey, location.position, 6)
      first.fill(0)
      assert.equal((await store.read(location.objectKey, location.position, 6)).toString(), 'abcdef')
    })

    it('fails a read past the end of an object with OBJECT_SHORT_READ', async t => {
      const store = await opened(open, t)
      const location = await store.append([randomBytes(100)])
      await assert.rejects(store.read(location.objectKey, location.position, 101), isServiceError('OBJECT_SHORT_READ'))
      await assert.rejects(store.read(location.objectKey, location.position + 1000, 1), isServiceError('OBJECT_SHORT_READ'))
    })

    it('fails a read of an unknown key with OBJECT_NOT_FOUND', async t => {
      const store = await opened(open, t)
      await assert.rejects(store.read('no-such-object', 0, 1), isServiceError('OBJECT_NOT_FOUND'))
      await assert.rejects(store.read('00000000000000000999', 0, 1), isServiceError('OBJECT_NOT_FOUND'))
    })

    it('lists the keys of stored objects', async t => {
      const store = await opened(open, t)
      assert.deepEqual(await store.listKeys(), [])
      const first = await store.append([randomBytes(10)])
      const second = await store.append([randomBytes(10)])
      assert.deepEqual(new Set(await store.listKeys()), new Set([first.objectKey, second.objectKey]))
    })

    it('deletes an object; deleting a missing key is fine; appends go on afterwards', async t => {
      const store = await opened(open, t)
      const location = await store.append([randomBytes(10)])
      await store.delete(location.objectKey)
      assert.ok(!(await store.listKeys()).includes(location.objectKey))
      await assert.rejects(store.read(location.objectKey, location.position, 10), isServiceError('OBJECT_NOT_FOUND'))
      await store.delete(location.objectKey)
      await store.delete('no-such-object')

      const bytes = randomBytes(20)
      const next = await store.append([bytes])
      assert.deepEqual(await store.read(next.objectKey, next.position, 20), bytes)
      assert.deepEqual(await store.listKeys(), [next.objectKey])
    })

    it('handles many appends in parallel, each readable where it was placed', async t => {
      const store = await opened(open, t)
      const objects = Array.from({ length: 64 }, (_, index) => [randomBytes(1 + index * 37), randomBytes(100)])
      const locations = await Promise.all(objects.map(async chunks => await store.append(chunks)))
      assertDisjoint(locations.map((location, index) => ({ location, size: Buffer.concat(objects[index]!).length })))
      await Promise.all(locations.map(async (location, index) => {
        const expected = Buffer.concat(objects[index]!)
        assert.deepEqual(await store.read(location.objectKey, location.position, expected.length), expected)
      }))
    })

    it('reads in parallel with appends', async t => {
      const store = await opened(open, t)
      const first = randomBytes(5000)
      const location = await store.append([first])
      const work: Array<Promise<unknown>> = []
      for (let round = 0; round < 20; round++) {
        work.push(store.append([randomBytes(3000)]))
        work.push(store.read(location.objectKey, location.position, 5000).then(read => assert.deepEqual(read, first)))
      }
      await Promise.all(work)
    })
  })
}
