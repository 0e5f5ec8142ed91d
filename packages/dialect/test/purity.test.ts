import { readdirSync, readFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

const SRC = new URL('../src/', import.meta.url)

/** Every module specifier each source file imports or re-exports, as TypeScript reads it. */
function importedModules(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  )) {
    const info = ts.preProcessFile(readFileSync(new URL(file, SRC), 'utf8'), true, true)
    out.set(
      file,
      info.importedFiles.map((f) => f.fileName),
    )
  }
  return out
}

describe('the dialect package is pure', () => {
  test('it imports only its own modules: no Node built-in, no other package', () => {
    const foreign = [...importedModules()].flatMap(([file, specs]) =>
      specs.filter((s) => !s.startsWith('./') && !s.startsWith('../')).map((s) => `${file} -> ${s}`),
    )
    expect(foreign).toEqual([])
  })

  test('the check sees imports (it would catch one)', () => {
    expect(importedModules().get('index.ts')).toContain('./translate.js')
  })
})
