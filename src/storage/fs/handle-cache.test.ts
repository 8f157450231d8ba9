// HandleCache: bounded, never closes a handle under its reader, never caches a failed open.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { HandleCache } from './handle-cache.ts'

const root = mkdtempSync(join(tmpdir(), 'skiff-handle-cache-'))
after(() => rmSync(root, { recursive: true, force: true }))

function file (name: string, text: string): string {
  const path = join(root, name)
  writeFileSync(path, text)
  return path
}

async function readAll (cache: HandleCache, path: string): Promise<string> {
  return await cache.use(path, async handle => (await handle.readFile()).toString())
}

describe('HandleCache', () => {
  it('keeps at most maxOpen idle handles', async () => {
    const cache = new HandleCache(2)
    for (const name of ['a', 'b', 'c', 'd']) assert.equal(await readAll(cache, file(name, name)), name)
    assert.equal(cache.size, 2)
    await cache.closeAll()
    assert.equal(cache.size, 0)
  })

  it('closes an evicted handle only after its reader is done', async () => {
    const cache = new HandleCache(1)
    const path = file('busy', 'still readable')
    let release = () => {}
    const reading = cache.use(path, async handle => {
      await new Promise<void>(resolve => { release = resolve })
      return (await handle.read(Buffer.alloc(14), 0, 14, 0)).buffer.toString()
    })
    await new Promise(resolve => setImmediate(resolve))
    cache.evict(path)
    await readAll(cache, file('other', 'x'))
    release()
    assert.equal(await reading, 'still readable')
    await cache.closeAll()
  })

  it('does not cache a failed open', async () => {
    const cache = new HandleCache(4)
    const path = join(root, 'later')
    await assert.rejects(readAll(cache, path), { code: 'ENOENT' })
    writeFileSync(path, 'now here')
    assert.equal(await readAll(cache, path), 'now here')
    await cache.closeAll()
  })
})
