import { ValidationError } from '../errors/client-errors.js'
import { describeValue, mustBe } from './builder-arguments.js'
import { identifierProblem, quoteIdentifier } from './sql-quote.js'

/**
 * A table, optionally schema-qualified: the target of a COPY, the table whose load errors to read.
 * Names are kept as given and quoted only when written into SQL, so no name can change the statement.
 *
 * @example
 * const table = new TableRef('analytics', 'daily_events')
 * table.toSql()                        // 'analytics.daily_events'
 * new TableRef('events').toSql()       // 'events' (found through the search_path)
 * TableRef.parse('"Sales"."2024 Q1"')  // TableRef { schema: 'Sales', name: '2024 Q1' }
 */
export class TableRef {
  /** The schema, or `undefined` for a table found through the `search_path`. */
  readonly schema: string | undefined
  /** The table's name. */
  readonly name: string

  /** `new TableRef(schema, name)`, or `new TableRef(name)` for an unqualified table. */
  constructor(schemaOrName: string, name?: string) {
    // Content is checked by problems() (a builder's build() reports it); a name that is not text at
    // all could not even be quoted, so it is refused here.
    for (const part of name === undefined ? [schemaOrName] : [schemaOrName, name]) {
      if (typeof part !== 'string') {
        throw new ValidationError('invalid table name', {
          problems: [{ field: 'TableRef', message: mustBe('a string', part) }],
        })
      }
    }
    if (name === undefined) {
      this.schema = undefined
      this.name = schemaOrName
    } else {
      this.schema = schemaOrName
      this.name = name
    }
    Object.freeze(this)
  }

  /**
   * Reads `table`, `schema.table`, or their double-quoted forms (`"My Schema"."Table"`). Unquoted
   * parts are folded to lower case, as Redshift folds them.
   *
   * @example
   * TableRef.parse('analytics.daily_events') // TableRef { schema: 'analytics', name: 'daily_events' }
   */
  static parse(text: string): TableRef {
    const parts: string[] = []
    let i = 0
    const fail = (why: string): never => {
      throw new ValidationError('invalid table name', {
        problems: [{ field: 'table', message: `${describeValue(text)}: ${why}` }],
      })
    }
    if (typeof text !== 'string') {
      throw new ValidationError('invalid table name', {
        problems: [
          { field: 'table', message: mustBe("a TableRef or a 'table' / 'schema.table' string", text) },
        ],
      })
    }
    while (i <= text.length) {
      if (text[i] === '"') {
        let part = ''
        i++
        for (;;) {
          if (i >= text.length) fail('has an unterminated quoted name')
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              part += '"'
              i += 2
              continue
            }
            i++
            break
          }
          part += text[i]
          i++
        }
        parts.push(part)
      } else {
        const end = text.indexOf('.', i)
        const raw = (end === -1 ? text.slice(i) : text.slice(i, end)).trim()
        if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(raw))
          fail('expected table or schema.table (quote names with other characters)')
        parts.push(raw.toLowerCase())
        i = end === -1 ? text.length : end
      }
      if (i >= text.length) break
      if (text[i] !== '.') fail('expected "." between schema and table')
      i++
    }
    if (parts.length === 1) return new TableRef(parts[0] as string)
    if (parts.length === 2) return new TableRef(parts[0] as string, parts[1] as string)
    return fail('expected table or schema.table')
  }

  /** The table as SQL, each part quoted when it needs to be. */
  toSql(): string {
    const name = quoteIdentifier(this.name)
    return this.schema === undefined ? name : `${quoteIdentifier(this.schema)}.${name}`
  }

  /** The same as {@link TableRef.toSql}. */
  toString(): string {
    return this.toSql()
  }

  /** Whether `other` names the same table (same schema and name, compared exactly). */
  equals(other: TableRef): boolean {
    return other.schema === this.schema && other.name === this.name
  }

  /** What is wrong with this table's names, one line per bad part. */
  problems(field = 'table'): { field: string; message: string }[] {
    const out: { field: string; message: string }[] = []
    if (this.schema !== undefined) {
      const p = identifierProblem(this.schema)
      if (p !== undefined) out.push({ field: `${field}.schema`, message: p })
    }
    const n = identifierProblem(this.name)
    if (n !== undefined) out.push({ field: `${field}.name`, message: n })
    return out
  }
}

/** A {@link TableRef} from a TableRef or its text form (see {@link TableRef.parse}). */
export function toTableRef(table: TableRef | string): TableRef {
  return table instanceof TableRef ? table : TableRef.parse(table)
}
