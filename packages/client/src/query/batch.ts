import { type Problem, ValidationError } from '../errors/client-errors.js'
import { MAX_BIND_PARAMETERS } from '../types/param-serializer.js'
import { type SqlToken, scanSql } from '../types/sql-scan.js'
import type { QueryParam } from '../types/value.js'

/** A single-row `INSERT ... VALUES (...)`, split where rows can be added. */
export interface SingleRowInsert {
  /** Everything before the row's opening parenthesis. */
  readonly head: string
  /** The row, parentheses included: `($1, $2, JSON_PARSE($3))`. */
  readonly row: string
  /** Placeholders of the row, relative to `row`. */
  readonly placeholders: readonly { readonly index: number; readonly start: number; readonly end: number }[]
  /** Parameters per row (the highest `$n`). */
  readonly paramCount: number
}

/** One statement of a batch and the parameter sets it covers. */
export interface BatchChunk {
  readonly sql: string
  readonly params: readonly QueryParam[]
  /** How many parameter sets (rows) this statement carries. */
  readonly rows: number
}

function isWord(token: SqlToken | undefined, word: string): boolean {
  return token?.type === 'word' && token.text.toUpperCase() === word
}

/**
 * Recognises `INSERT INTO t [(cols)] VALUES (<one row of expressions>)` with nothing after the row but
 * semicolons, and every placeholder inside the row. Anything else (several rows, `SELECT`, `ON
 * CONFLICT`, `RETURNING`, placeholders elsewhere) returns `undefined` and is run statement by statement.
 *
 * @example
 * parseSingleRowInsert('INSERT INTO t (a, b) VALUES ($1, $2)')?.paramCount // 2
 */
export function parseSingleRowInsert(sql: string): SingleRowInsert | undefined {
  const tokens = scanSql(sql)
  if (!isWord(tokens[0], 'INSERT') || !isWord(tokens[1], 'INTO')) return undefined
  let depth = 0
  let values = -1
  for (let i = 2; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken
    if (t.type === 'open') depth++
    else if (t.type === 'close') depth--
    else if (depth === 0 && isWord(t, 'VALUES')) {
      values = i
      break
    } else if (depth === 0 && (isWord(t, 'SELECT') || isWord(t, 'WITH') || isWord(t, 'DEFAULT')))
      return undefined
  }
  const open = tokens[values + 1]
  if (values === -1 || open?.type !== 'open') return undefined
  depth = 0
  let close = -1
  for (let i = values + 1; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken
    if (t.type === 'open') depth++
    else if (t.type === 'close' && --depth === 0) {
      close = i
      break
    }
  }
  if (close === -1) return undefined
  if (tokens.slice(close + 1).some((t) => t.type !== 'semicolon')) return undefined
  const closeToken = tokens[close] as SqlToken
  const placeholders: { index: number; start: number; end: number }[] = []
  let paramCount = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken
    if (t.type !== 'placeholder') continue
    if (i < values + 1 || i > close) return undefined
    placeholders.push({ index: t.index, start: t.start - open.start, end: t.end - open.start })
    paramCount = Math.max(paramCount, t.index)
  }
  if (paramCount === 0) return undefined
  return {
    head: sql.slice(0, open.start),
    row: sql.slice(open.start, closeToken.end),
    placeholders,
    paramCount,
  }
}

function renumberedRow(insert: SingleRowInsert, offset: number): string {
  let out = ''
  let at = 0
  for (const p of insert.placeholders) {
    out += `${insert.row.slice(at, p.start)}$${p.index + offset}`
    at = p.end
  }
  return out + insert.row.slice(at)
}

/**
 * The statements that insert every parameter set: multi-row INSERTs of as many rows as fit under the
 * protocol's 32,767 bind parameters (or `maxRows`).
 *
 * @example
 * const insert = parseSingleRowInsert('INSERT INTO t (a) VALUES ($1)')!
 * multiRowInsertChunks(insert, [[1], [2]])  // [{ sql: 'INSERT INTO t (a) VALUES ($1), ($2)', params: [1, 2], rows: 2 }]
 */
export function multiRowInsertChunks(
  insert: SingleRowInsert,
  paramSets: readonly (readonly QueryParam[])[],
  maxRows: number = Number.POSITIVE_INFINITY,
): BatchChunk[] {
  const perChunk = Math.max(1, Math.min(maxRows, Math.floor(MAX_BIND_PARAMETERS / insert.paramCount)))
  const chunks: BatchChunk[] = []
  for (let first = 0; first < paramSets.length; first += perChunk) {
    const sets = paramSets.slice(first, first + perChunk)
    const rows = sets.map((_, r) => renumberedRow(insert, r * insert.paramCount))
    chunks.push({ sql: `${insert.head}${rows.join(', ')}`, params: sets.flat(), rows: sets.length })
  }
  return chunks
}

/**
 * Checks that every parameter set has exactly `expected` values; one error lists every bad set.
 *
 * @example
 * assertParamSets([[1], [2, 3]], 1) // throws ValidationError naming paramSets[1]
 */
export function assertParamSets(paramSets: readonly (readonly QueryParam[])[], expected: number): void {
  if (!Array.isArray(paramSets)) {
    throw new ValidationError('invalid batch', {
      problems: [{ field: 'paramSets', message: 'must be an array of arrays' }],
    })
  }
  const problems: Problem[] = []
  paramSets.forEach((set, i) => {
    if (!Array.isArray(set))
      problems.push({ field: `paramSets[${i}]`, message: 'must be an array of parameter values' })
    else if (set.length !== expected) {
      problems.push({
        field: `paramSets[${i}]`,
        message: `has ${set.length} values; the statement takes ${expected}`,
      })
    }
  })
  if (problems.length > 0) throw new ValidationError('invalid batch', { problems })
}
