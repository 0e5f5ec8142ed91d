import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The client's layers, lowest first (architecture.md): a folder's code imports only folders listed
// before it. Type-only imports are not counted: the option types of the policies and telemetry are
// named in config/, and a few types are shared upward, without any runtime dependency. Import cycles
// inside the package are refused by Biome's noImportCycles (npm run lint).
const LAYERS = [
  'errors',
  'types',
  'config',
  'credentials',
  'transport',
  'pipeline',
  'query',
  'data',
  'transaction',
  'workload',
  'spectrum',
  'resilience',
  'observability',
  'client',
  'simulation',
]
const src = fileURLToPath(new URL('../../src', import.meta.url))

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return files(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

describe('the client layers', () => {
  it('import downward only (a transport never imports what sits on top of it)', () => {
    const upward: string[] = []
    for (const file of files(src)) {
      const from = relative(src, file).split('/')[0] as string
      const level = LAYERS.indexOf(from)
      if (level === -1) continue
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/^(?!import type|export type)[^\n]*?from '((?:\.\.\/)+)([a-z-]+)\//gm)) {
        const depth = (m[1] as string).length / 3
        if (depth !== relative(src, file).split('/').length - 1) continue
        const to = m[2] as string
        const target = LAYERS.indexOf(to)
        if (target > level) upward.push(`${relative(src, file)} imports ${to}/`)
      }
    }
    expect(upward).toEqual([])
  })
})
