// Runs the ObjectStore contract on the fs store in temp dirs, plus what only segment files
// have: a new segment after reopening, rolling at the size limit, and group commit.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isServiceError, runObjectStoreContract } from '../../../test/contracts/object-store.contract.ts'
import { openFsObjectStore } from './fs-object-store.ts'

const root = mkdtempSync(join(tmpdir(), 'skiff-fs-object-store-'))
after(() => rmSync(root, { recursive: true, force: true }))
let count = 0
const newDir = () => join(root, `store-${++count}`)

runObjectStoreContract('fs', async () => await openFsObjectStore(newDir()))
runObjectStoreContract('fs, 4 KiB segments', async () => await openFsObjectStore(newDir(), { segmentBytes: 4096, maxOpenFiles: 2 }))

describe('fs object store', () => {
  it('starts a new segment after reopening and leaves a torn tail unreferenced', async t => {
    const dir = newDir()
    const first = await openFsObjectStore(dir)
    const bytes = randomBytes(500)
    const location = await first.append([bytes])
    assert.equal(location.position, 0)
    await first.close()
    // A crash mid-append leaves bytes nobody committed at the end of the last segment.
    appendFileSync(join(dir, 'segments', `${location.objectKey}.seg`), Buffer.from('torn'))

    const second = await openFsObjectStore(dir)
    t.after(() => second.close())
    const next = await second.append([randomBytes(10)])
    assert.ok(next.objectKey > location.objectKey)
    assert.equal(next.position, 0)
    assert.deepEqual(await second.read(location.objectKey, 0, 500), bytes)
    assert.deepEqual(await second.listKeys(), [location.objectKey, next.objectKey])
  })

  it('names segments by a 20-digit sequence and ignores other files in the directory', async t => {
    const dir = newDir()
    const store = await openFsObjectStore(dir)
    t.after(() => store.close())
    const location = await store.append([randomBytes(10)])
    assert.match(location.objectKey, /^\d{20}$/)
    writeFileSync(join(dir, 'segments', 'notes.txt'), 'not a segment')
    assert.deepEqual(await store.listKeys(), [location.objectKey])
    await assert.rejects(store.read('../segments/notes', 0, 1), isServiceError('OBJECT_NOT_FOUND'))
  })

  it('rolls to a new segment before an append would pass segmentBytes; a bigger append gets one alone', async t => {
    const store = await openFsObjectStore(newDir(), { segmentBytes: 1000 })
    t.after(() => store.close())
    const locations = []
    for (const size of [400, 400, 400, 2500, 100]) locations.push(await store.append([randomBytes(size)]))
    const placed = locations.map(location => [location.objectKey.slice(-1), location.position])
    assert.deepEqual(placed, [['1', 0], ['1', 400], ['2', 0], ['3', 0], ['4', 0]])
    assert.equal(store.stats.segmentsCreated, 4)
  })

  it('covers appends that arrive together with one fsync (group commit)', async t => {
    const store = await openFsObjectStore(newDir())
    t.after(() => store.close())
    await store.append([randomBytes(10)])
    const before = store.stats
    await Promise.all(Array.from({ length: 64 }, async () => await store.append([randomBytes(16 * 1024)])))
    const after = store.stats
    assert.equal(after.appendCount - before.appendCount, 64)
    assert.ok(after.syncCount - before.syncCount <= 2, `${after.syncCount - before.syncCount} fsyncs for 64 appends`)
  })

  it('writes appends that arrive during an fsync and covers them with the next single one', async t => {
    const store = await openFsObjectStore(newDir())
    t.after(() => store.close())
    const appends: Array<Promise<unknown>> = []
    // One append per macrotask: each arrives while the previous fsync is still running.
    for (let index = 0; index < 200; index++) {
      appends.push(store.append([randomBytes(4096)]))
      await new Promise(resolve => setImmediate(resolve))
    }
    await Promise.all(appends)
    assert.equal(store.stats.appendCount, 200)
    assert.ok(store.stats.syncCount < 200, `${store.stats.syncCount} fsyncs for 200 appends`)
  })

  it('deletes a segment file, also the one being written', async t => {
    const dir = newDir()
    const store = await openFsObjectStore(dir, { segmentBytes: 100 })
    t.after(() => store.close())
    const old = await store.append([randomBytes(80)])
    const current = await store.append([randomBytes(80)])
    await store.read(old.objectKey, 0, 80)
    await store.delete(old.objectKey)
    await store.delete(current.objectKey)
    assert.deepEqual(readdirSync(join(dir, 'segments')), [])
    const next = await store.append([randomBytes(10)])
    assert.ok(next.objectKey > current.objectKey)
    assert.ok(existsSync(join(dir, 'segments', `${next.objectKey}.seg`)))
  })

  it('never resolves an append into a segment after that segment was deleted', async t => {
    const store = await openFsObjectStore(newDir())
    t.after(() => store.close())
    for (let delay = 0; delay < 12; delay++) {
      const { objectKey } = await store.append([randomBytes(100)])
      let deletedAt = Infinity
      const appends = Array.from({ length: 8 }, async () => {
        try {
          const location = await store.append([randomBytes(100)])
          if (location.objectKey === objectKey) assert.ok(performance.now() < deletedAt, 'resolved into a deleted segment')
          else assert.deepEqual((await store.read(location.objectKey, location.position, 100)).length, 100)
        } catch (error) {
          assert.ok(isServiceError('OBJECT_NOT_FOUND')(error))
        }
      })
      for (let tick = 0; tick < delay; tick++) await new Promise(resolve => setImmediate(resolve))
      deletedAt = performance.now()
      await store.delete(objectKey)
      await Promise.all(appends)
    }
  })

  it('finishes queued appends on close and refuses new ones', async () => {
    const store = await openFsObjectStore(newDir())
    const pending = Array.from({ length: 10 }, async () => await store.append([randomBytes(1000)]))
    await store.close()
    assert.equal((await Promise.all(pending)).length, 10)
    await assert.rejects(store.append([randomBytes(1)]), isServiceError('OBJECT_STORE_CLOSED'))
  })
})
