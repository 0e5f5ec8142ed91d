import { CommandSyntaxError } from '@redshift-kit/dialect'

/** One step of a JSONPath expression: an object member or an array element. */
type Step = string | number

/** A compiled JSONPaths expression: reads its value out of a record, or undefined when absent. */
export type JsonPath = (record: unknown) => unknown

/**
 * Compiles one expression of a JSONPaths file: `$.a.b`, `$['a']['b']` and `$.a[0]` (DG
 * `copy-parameters-data-format`, "JSONPaths file"): dot or bracket notation, array indexes, no
 * wildcards or filters.
 */
export function compileJsonPath(expression: string): JsonPath {
  const bad = () =>
    new CommandSyntaxError(
      'XX000',
      `Invalid JSONPath format: '${expression}'`,
      "write $.name, $['name'] or $.name[0] (no wildcards or filters)",
    )
  if (!expression.startsWith('$')) throw bad()
  const steps: Step[] = []
  let i = 1
  while (i < expression.length) {
    const c = expression[i]
    if (c === '.') {
      const m = /^\.([^.[\]'"]+)/.exec(expression.slice(i))
      if (!m || m[1] === '*') throw bad()
      steps.push(m[1] as string)
      i += m[0].length
    } else if (c === '[') {
      const m = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\d+))\s*\]/.exec(expression.slice(i))
      if (!m) throw bad()
      steps.push(m[3] !== undefined ? Number(m[3]) : ((m[1] ?? m[2]) as string))
      i += m[0].length
    } else {
      throw bad()
    }
  }
  return (record) => {
    let v: unknown = record
    for (const step of steps) {
      if (v === null || typeof v !== 'object') return undefined
      v =
        typeof step === 'number'
          ? Array.isArray(v)
            ? v[step]
            : undefined
          : (v as Record<string, unknown>)[step]
    }
    return v
  }
}

/**
 * Reads a JSONPaths file: `{"jsonpaths": [...]}`, one expression per loaded column. Another top-level key
 * makes Redshift fall back to `'auto'` silently; null is returned for that case.
 */
export function parseJsonPathsFile(text: string, url: string, columns: number): JsonPath[] | null {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CommandSyntaxError('XX000', `Invalid JSONPaths file ${url}: it is not valid JSON`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CommandSyntaxError(
      'XX000',
      `Invalid JSONPaths file ${url}: expected an object {"jsonpaths": [...]}`,
    )
  }
  const paths = (doc as Record<string, unknown>).jsonpaths
  if (paths === undefined) return null
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))
    throw new CommandSyntaxError(
      'XX000',
      `Invalid JSONPaths file ${url}: "jsonpaths" must be an array of strings`,
    )
  if (paths.length !== columns) {
    throw new CommandSyntaxError(
      'XX000',
      `Number of jsonpaths and the number of columns should match. JSONPath size: ${paths.length}, Number of columns in table or column list: ${columns}`,
    )
  }
  return paths.map(compileJsonPath)
}
