// Runs the ObjectStore contract on the in-process MemoryObjectStore, with small segments too.

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { runObjectStoreContract } from '../../../test/contracts/object-store.contract.ts'
import { MemoryObjectStore } from './memory-object-store.ts'

runObjectStoreContract('memory', async () => new MemoryObjectStore())
runObjectStoreContract('memory, 4 KiB segments', async () => new MemoryObjectStore({ segmentBytes: 4096 }))

it('memory store rolls to a new key once a segment is full and reads across objects', async () => {
  const store = new MemoryObjectStore({ segmentBytes: 100 })
  const first = await store.append([Buffer.alloc(60, 1)])
  const second = await store.append([Buffer.alloc(30, 2), Buffer.alloc(0)])
  const third = await store.append([Buffer.alloc(30, 3)])
  assert.deepEqual([first.position, second.position, third.position], [0, 60, 0])
  assert.equal(second.objectKey, first.objectKey)
  assert.notEqual(third.objectKey, first.objectKey)
  assert.deepEqual(await store.read(first.objectKey, 50, 20), Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 2)]))
})
