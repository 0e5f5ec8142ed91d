/**
 * The gateway's dialect with Spectrum added: external DDL becomes a no-op for the engine (the
 * Spectrum service does the work before it runs), DML on external tables is refused as Redshift
 * refuses it, and a statement reading external tables is marked so that its tables are brought up to
 * date before the engine takes its snapshot.
 */

import type { TranslatedStatement } from '@redshift-kit/dialect'
import type { Dialect } from '../gateway/dialect-seam.js'
import { parseSpectrumStatement, type SpectrumStatement, SpectrumSyntaxError } from './ddl-parse.js'
import type { ExternalSchemas } from './external-schemas.js'
import { storageSchema } from './external-table.js'
import { type ExternalRef, scanStatement } from './statement-scan.js'

/** What the Spectrum service must do before a statement runs. */
export type SpectrumAction =
  | { readonly kind: 'ddl'; readonly statement: SpectrumStatement }
  | { readonly kind: 'scan'; readonly refs: readonly ExternalRef[] }

/** The engine runs this in place of external DDL: it succeeds and changes nothing. */
export const NOOP_SQL = 'DO $rk_spectrum$BEGIN END$rk_spectrum$'

const COMMAND_TAGS: Readonly<Record<SpectrumStatement['kind'], string>> = {
  createSchema: 'CREATE SCHEMA',
  createTable: 'CREATE EXTERNAL TABLE',
  addPartitions: 'ALTER TABLE',
  dropPartitions: 'ALTER TABLE',
  dropTable: 'DROP TABLE',
  dropSchema: 'DROP SCHEMA',
}

/** The wrapped dialect, the actions of its translations, and a generation for translation caches. */
export interface SpectrumDialect extends Dialect {
  /** Changes whenever earlier translations may be stale (external schemas or tables changed). */
  generation(): number
  actionOf(translation: TranslatedStatement): SpectrumAction | undefined
}

const LEADING = /^\s*(create|alter|drop)\b/i

/**
 * @example
 * const dialect = spectrumDialect(DEFAULT_DIALECT, schemas, () => glue.generation)
 * await startGateway({ ...options, dialect })
 */
export function spectrumDialect(
  base: Dialect,
  schemas: ExternalSchemas,
  catalogGeneration: () => number,
): SpectrumDialect {
  const actions = new WeakMap<TranslatedStatement, SpectrumAction>()
  const isExternal = (name: string) => schemas.hasName(name)

  function ddl(sql: string, statement: SpectrumStatement): TranslatedStatement {
    const t: TranslatedStatement = {
      original: sql,
      sql: NOOP_SQL,
      queryType: 'DDL',
      response: { commandTag: COMMAND_TAGS[statement.kind], noRows: true },
      readsSystemViews: false,
    }
    actions.set(t, { kind: 'ddl', statement })
    return t
  }

  function external(statement: SpectrumStatement): boolean {
    switch (statement.kind) {
      case 'createSchema':
      case 'createTable':
      case 'addPartitions':
      case 'dropPartitions':
        return true
      case 'dropTable':
        return statement.schema !== null && isExternal(statement.schema)
      case 'dropSchema':
        return isExternal(statement.schema)
    }
  }

  return {
    splitStatements: (sql) => base.splitStatements(sql),
    generation: () => schemas.generation * 1_000_003 + catalogGeneration(),
    actionOf: (t) => actions.get(t),
    translateStatement(sql, ctx) {
      if (LEADING.test(sql)) {
        let statement: SpectrumStatement | undefined
        try {
          statement = parseSpectrumStatement(sql)
        } catch (error) {
          if (!(error instanceof SpectrumSyntaxError)) throw error
          return {
            original: sql,
            sql,
            queryType: 'DDL',
            readsSystemViews: false,
            error: {
              sqlState: error.sqlState,
              message: error.message,
              ...(error.hint === undefined ? {} : { hint: error.hint }),
            },
          }
        }
        if (statement !== undefined && external(statement)) return ddl(sql, statement)
      }
      const names = schemas.names()
      const lower = names.length === 0 ? '' : sql.toLowerCase()
      if (!names.some((n) => lower.includes(n.toLowerCase()))) return base.translateStatement(sql, ctx)
      const scan = scanStatement(sql, isExternal)
      if (scan.refs.length === 0) return base.translateStatement(sql, ctx)
      if (scan.dmlTarget !== undefined) {
        const { schema, table, verb } = scan.dmlTarget
        return {
          original: sql,
          sql,
          queryType: verb === 'INSERT' ? 'INSERT' : verb === 'UPDATE' ? 'UPDATE' : 'DELETE',
          readsSystemViews: false,
          error: {
            sqlState: '0A000',
            message: `${verb} is not supported on external table "${schema}.${table}"`,
            hint: 'external tables are read-only in redshift-local: change the files under its LOCATION instead',
          },
        }
      }
      // `$path` / `$size` live in the cache table only: such a statement reads the cache table itself.
      const text = scan.pseudo ? pseudoRewrite(sql, scan.spans) : sql
      const translated = base.translateStatement(text, ctx)
      const t: TranslatedStatement = { ...translated, original: sql, readsSystemViews: true }
      actions.set(t, { kind: 'scan', refs: scan.refs })
      return t
    },
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function pseudoRewrite(
  sql: string,
  spans: readonly { start: number; end: number; schema: string; table: string }[],
): string {
  let out = ''
  let at = 0
  for (const s of spans) {
    out += `${sql.slice(at, s.start)}${quote(storageSchema(s.schema))}.${quote(s.table)}`
    at = s.end
  }
  return out + sql.slice(at)
}
