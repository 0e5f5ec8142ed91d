import { readFile } from 'node:fs/promises'
import type { Flags, OptionSpecs } from './command.js'
import { UsageError } from './exit-codes.js'

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())

/**
 * Merges a JSON spec file (`--spec copy.json`, keys in camelCase: `{"table": "...", "iamRole": "...",
 * "ignoreHeader": 1}`) under the command-line flags (flags win). Unknown keys are refused, naming the
 * known ones.
 */
export async function withSpec(flags: Flags, options: OptionSpecs): Promise<Flags> {
  const file = flags.spec
  if (typeof file !== 'string') return flags
  let spec: unknown
  try {
    spec = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new UsageError(`--spec ${file}: ${(err as Error).message}`)
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new UsageError(`--spec ${file}: expected a JSON object`)
  const byCamel = new Map(Object.keys(options).map((f) => [camel(f), f]))
  const merged: Record<string, string | boolean | (string | boolean)[] | undefined> = {}
  const unknown: string[] = []
  for (const [key, value] of Object.entries(spec)) {
    const flag = byCamel.get(key)
    if (!flag || flag === 'spec') {
      unknown.push(key)
      continue
    }
    const type = options[flag]?.type
    if (type === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`--spec ${file}: "${key}" must be true or false`)
      merged[flag] = value
    } else if (Array.isArray(value)) merged[flag] = value.map(String)
    else if (typeof value === 'string' || typeof value === 'number') merged[flag] = String(value)
    else throw new UsageError(`--spec ${file}: "${key}" must be a string or a number`)
  }
  if (unknown.length)
    throw new UsageError(
      `--spec ${file}: unknown key(s) ${unknown.join(', ')}; known: ${[...byCamel.keys()].filter((k) => k !== 'spec').join(', ')}`,
    )
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v
  return merged
}
