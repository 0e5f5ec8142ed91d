/**
 * What a statement does with external tables, found from its tokens: which `schema.table` it names,
 * whether it writes one (DML, refused on Redshift), whether it reads the `$path` / `$size`
 * pseudocolumns, and which partition values its WHERE clause allows (for partition pruning).
 *
 * Pruning is only derived where it is certainly safe: a table named once, outside any parentheses,
 * and a top-level WHERE of AND-ed `column = literal` / `column IN (literals)` conditions; anything else
 * scans every partition (the engine still applies the WHERE, so results never depend on pruning).
 */
import { isSignificant, stringValue, type Token, tokenize } from '@redshift-kit/dialect'

/** A reference to an external table. */
export interface ExternalRef {
  readonly schema: string
  readonly table: string
  /** Partition column -> allowed values (as written), or null when every partition must be read. */
  readonly filters: ReadonlyMap<string, ReadonlySet<string>> | null
}

export interface StatementScan {
  readonly refs: readonly ExternalRef[]
  /** The external table a DML statement writes, if any. */
  readonly dmlTarget: { readonly schema: string; readonly table: string; readonly verb: string } | undefined
  /** Reads `"$path"` or `"$size"`. */
  readonly pseudo: boolean
  /** Token ranges [start, end) of each `schema.table` reference in the source text. */
  readonly spans: readonly {
    readonly start: number
    readonly end: number
    readonly schema: string
    readonly table: string
  }[]
}

const WHERE_END = new Set([
  'group',
  'order',
  'limit',
  'having',
  'union',
  'intersect',
  'except',
  'minus',
  'window',
  'offset',
  'qualify',
])
const DML = new Set(['insert', 'update', 'delete', 'truncate', 'merge'])

const nameOf = (t: Token | undefined): string | undefined =>
  t?.kind === 'word' || (t?.kind === 'quotedIdent' && t.unterminated !== true) ? t.value : undefined
const isPunct = (t: Token | undefined, text: string): boolean =>
  t !== undefined && (t.kind === 'punct' || t.kind === 'operator') && t.text === text
const word = (t: Token | undefined): string | undefined => (t?.kind === 'word' ? t.value : undefined)

function literalOf(t: Token | undefined): string | undefined {
  if (t === undefined) return undefined
  if (t.kind === 'number') return t.text
  return stringValue(t) ?? undefined
}

/**
 * Scans `sql` for references to external schemas (`isExternal(schemaName)`).
 *
 * @example
 * scanStatement("select * from spectrum.sales where year = 2024", (s) => s === 'spectrum').refs[0]?.filters
 * // Map { 'year' => Set { '2024' } }
 */
export function scanStatement(sql: string, isExternal: (schema: string) => boolean): StatementScan {
  const tokens = tokenize(sql).filter(isSignificant)
  const found: { at: number; depth: number; schema: string; table: string; alias: string | undefined }[] = []
  const spans: { start: number; end: number; schema: string; table: string }[] = []
  let pseudo = false
  let depth = 0
  let where = -1
  let whereCount = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.kind === 'quotedIdent' && (t.value === '$path' || t.value === '$size')) pseudo = true
    if (isPunct(t, '(')) depth++
    else if (isPunct(t, ')')) depth--
    else if (word(t) === 'where' && depth === 0) {
      whereCount++
      if (where < 0) where = i
    }
    const schema = nameOf(t)
    const table = nameOf(tokens[i + 2])
    if (schema === undefined || table === undefined || !isPunct(tokens[i + 1], '.') || !isExternal(schema))
      continue
    let next = i + 3
    let alias: string | undefined
    if (word(tokens[next]) === 'as') next++
    const candidate = tokens[next]
    if (
      candidate !== undefined &&
      (candidate.kind === 'quotedIdent' ||
        (candidate.kind === 'word' && !RESERVED.has(candidate.value as string)))
    )
      alias = nameOf(candidate)
    found.push({ at: i, depth, schema, table, alias })
    spans.push({ start: t.start, end: (tokens[i + 2] as Token).end, schema, table })
  }
  const first = word(tokens[0])
  let dmlTarget: StatementScan['dmlTarget']
  if (first !== undefined && DML.has(first)) {
    const target = found.find((f) => f.at <= 3)
    if (target !== undefined)
      dmlTarget = { schema: target.schema, table: target.table, verb: first.toUpperCase() }
  }
  const counts = new Map<string, number>()
  for (const f of found) counts.set(`${f.schema}.${f.table}`, (counts.get(`${f.schema}.${f.table}`) ?? 0) + 1)
  const conjuncts = where >= 0 && whereCount === 1 ? whereConjuncts(tokens, where) : null
  const refs = found.map((f): ExternalRef => {
    const once = counts.get(`${f.schema}.${f.table}`) === 1
    const filters =
      once && f.depth === 0 && conjuncts !== null ? filtersFor(conjuncts, f.table, f.alias) : null
    return { schema: f.schema, table: f.table, filters }
  })
  return { refs, dmlTarget, pseudo, spans }
}

/** Words that end a FROM item rather than alias it. */
const RESERVED = new Set([
  'where',
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'having',
  'union',
  'intersect',
  'except',
  'minus',
  'natural',
  'offset',
  'set',
  'values',
  'select',
  'window',
  'qualify',
])

interface Conjunct {
  readonly qualifier: string | undefined
  readonly column: string
  readonly values: readonly string[]
}

/** The AND-ed simple conditions of the WHERE at `where`; null when it has a top-level OR. */
function whereConjuncts(tokens: readonly Token[], where: number): Conjunct[] | null {
  const parts: Token[][] = [[]]
  let depth = 0
  for (let i = where + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (isPunct(t, '(')) depth++
    if (isPunct(t, ')')) {
      if (depth === 0) break
      depth--
    }
    if (depth === 0) {
      const w = word(t)
      if ((w !== undefined && WHERE_END.has(w)) || isPunct(t, ';')) break
      if (w === 'or') return null
      if (w === 'and') {
        parts.push([])
        continue
      }
    }
    parts[parts.length - 1]?.push(t)
  }
  const out: Conjunct[] = []
  for (const p of parts) {
    const c = conjunct(p)
    if (c !== undefined) out.push(c)
  }
  return out
}

function conjunct(p: readonly Token[]): Conjunct | undefined {
  // [q .] col = literal | literal = [q .] col | [q .] col IN ( literal , ... )
  let at = 0
  let qualifier: string | undefined
  let column = nameOf(p[0])
  if (column !== undefined && isPunct(p[1], '.')) {
    qualifier = column
    column = nameOf(p[2])
    at = 2
  }
  if (column !== undefined && p[0]?.kind !== 'string') {
    if (isPunct(p[at + 1], '=') && p.length === at + 3) {
      const v = literalOf(p[at + 2])
      return v === undefined ? undefined : { qualifier, column, values: [v] }
    }
    if (word(p[at + 1]) === 'in' && isPunct(p[at + 2], '(') && isPunct(p[p.length - 1], ')')) {
      const values: string[] = []
      for (let i = at + 3; i < p.length - 1; i += 2) {
        const v = literalOf(p[i])
        if (v === undefined) return undefined
        values.push(v)
        if (i + 1 < p.length - 1 && !isPunct(p[i + 1], ',')) return undefined
      }
      return { qualifier, column, values }
    }
    return undefined
  }
  const v = literalOf(p[0])
  if (v !== undefined && isPunct(p[1], '=')) {
    const q = nameOf(p[2])
    if (q !== undefined && isPunct(p[3], '.') && p.length === 5)
      return { qualifier: q, column: nameOf(p[4]) as string, values: [v] }
    if (q !== undefined && p.length === 3) return { qualifier: undefined, column: q, values: [v] }
  }
  return undefined
}

function filtersFor(
  conjuncts: readonly Conjunct[],
  table: string,
  alias: string | undefined,
): Map<string, Set<string>> {
  const filters = new Map<string, Set<string>>()
  for (const c of conjuncts) {
    if (c.qualifier !== undefined && c.qualifier !== table && c.qualifier !== alias) continue
    const allowed = new Set(c.values)
    const earlier = filters.get(c.column)
    filters.set(
      c.column,
      earlier === undefined ? allowed : new Set([...earlier].filter((v) => allowed.has(v))),
    )
  }
  return filters
}
