/**
 * The first keyword of a statement, past white space and comments (`--`, nested `/* *\/`), lower-cased.
 * Only to choose between streaming rows and reporting a command's outcome: the SQL itself is sent
 * unchanged.
 *
 * @example
 * firstKeyword('/* hi *\/ select 1') // 'select'
 */
export function firstKeyword(sql: string): string {
  let i = 0
  while (i < sql.length) {
    const c = sql[i] as string
    if (/\s/.test(c)) i++
    else if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i)
      i = nl < 0 ? sql.length : nl + 1
    } else if (sql.startsWith('/*', i)) {
      let depth = 1
      i += 2
      while (i < sql.length && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++
          i += 2
        } else if (sql.startsWith('*/', i)) {
          depth--
          i += 2
        } else i++
      }
    } else if (c === '(') i++
    else break
  }
  const m = /^[A-Za-z_]+/.exec(sql.slice(i))
  return m ? m[0].toLowerCase() : ''
}

const ROW_STATEMENTS = new Set(['select', 'with', 'values', 'show', 'table', 'explain', 'fetch'])

/** Whether a statement returns rows (streamed) rather than a command outcome. */
export function returnsRows(sql: string): boolean {
  return ROW_STATEMENTS.has(firstKeyword(sql))
}
