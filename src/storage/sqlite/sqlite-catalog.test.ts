// Runs the Catalog contract on the SQLite catalog, each test in its own file under a temp dir,
// plus what only a persistent catalog can show: closing and reopening keeps everything.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { runCatalogContract, runCatalogReopenContract } from '../../../test/contracts/catalog.contract.ts'
import { openSqliteCatalog } from './sqlite-catalog.ts'

const root = mkdtempSync(join(tmpdir(), 'skiff-sqlite-catalog-'))
after(() => rmSync(root, { recursive: true, force: true }))
let count = 0
const newPath = () => join(root, `catalog-${++count}`, 'catalog.db')

runCatalogContract('sqlite', async () => await openSqliteCatalog(newPath()))
runCatalogReopenContract('sqlite', async () => {
  const path = newPath()
  return async () => await openSqliteCatalog(path)
})
