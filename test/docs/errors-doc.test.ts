import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

test('every ServiceError code thrown in src/ has a line in docs/errors.md, and every line a thrower', () => {
  const thrown = new Set<string>()
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/ServiceError\(\s*'([A-Z_]+)'/g)) thrown.add(match[1]!)
    for (const match of readFileSync(file, 'utf8').matchAll(/\?\? '([A-Z_]+)'\)/g)) thrown.add(match[1]!)
  }
  const documented = new Set([...readFileSync(join(root, 'docs', 'errors.md'), 'utf8').matchAll(/^\| `([A-Z_]+)` \|/gm)].map(match => match[1]!))
  assert.ok(thrown.size >= 5, 'the scan found the codes')
  assert.deepEqual([...thrown].filter(code => !documented.has(code)).sort(), [], 'codes without a line in docs/errors.md')
  assert.deepEqual([...documented].filter(code => !thrown.has(code)).sort(), [], 'lines in docs/errors.md for codes nothing throws')
})
