import { randomBytes } from 'node:crypto'
import { ValidationError } from '../../errors/client-errors.js'
import { LoadFailedError } from '../../errors/query-errors.js'
import type { Transaction } from '../../transaction/transaction.js'
import {
  ProgressReporter,
  rowsCopyFormat,
  rowsFormat,
  sqlRunner,
  stagedLoadProblems,
  stageRows,
} from '../load/load-rows.js'
import type { MovementClient } from '../load/movement-client.js'
import { alignedBatches, type LoadRows } from '../load/row-source.js'
import {
  copyInTransaction,
  inLoadTransaction,
  type StagedLoadOptions,
  stagedCopySql,
} from '../load/staged-copy.js'
import { targetColumns } from '../load/target-columns.js'
import { quoteIdentifier } from '../sql-quote.js'
import { S3Staging } from '../staging/s3-staging.js'
import { TableRef } from '../table-ref.js'
import { type MergeActions, mergeSql } from './merge-sql.js'

/**
 * Options of `merge` (and of `upsert`, which is `merge` with its defaults).
 *
 * @example
 * { keys: ['id'], staging: 's3://my-bucket/tmp/', whenMatched: 'update', whenNotMatched: 'insert' }
 */
export interface MergeOptions extends StagedLoadOptions {
  /** The columns that identify a row (a primary key, which Redshift does not enforce). */
  readonly keys: readonly string[]
  /** An input row whose keys match a table row: `update` it (default), `delete` it, or `ignore` the input row. */
  readonly whenMatched?: MergeActions['whenMatched']
  /** An input row whose keys match none: `insert` it (default) or `ignore` it. */
  readonly whenNotMatched?: MergeActions['whenNotMatched']
  /** The columns an update sets (default: every column that is not a key). */
  readonly updateColumns?: readonly string[]
  /** How the rows are staged: `parquet` (default) or `csv`, as in `loadRows`. */
  readonly format?: 'parquet' | 'csv'
}

/** Options of `upsert`: `merge`'s, with its actions fixed (update when matched, insert otherwise). */
export type UpsertOptions = Omit<MergeOptions, 'whenMatched' | 'whenNotMatched'>

/** What a merge did. */
export interface MergeResult {
  /** Input rows loaded into the staging table. */
  readonly rowsStaged: number
  /** Input rows whose keys matched a table row (updated, deleted or ignored, as asked). */
  readonly rowsMatched: number
  /** Input rows inserted. */
  readonly rowsInserted: number
  /** The table rows updated or deleted. */
  readonly rowsUpdated: number
  readonly rowsDeleted: number
  /** Whether Redshift's MERGE did it (else UPDATE, DELETE or INSERT ... WHERE NOT EXISTS). */
  readonly usedMerge: boolean
  readonly filesStaged: number
  readonly bytesStaged: number
  readonly durationMs: number
}

function checkOptions(options: MergeOptions, iamRole: string | undefined): void {
  const problems = stagedLoadProblems(options ?? ({} as MergeOptions), iamRole)
  if (
    !Array.isArray(options?.keys) ||
    options.keys.length === 0 ||
    options.keys.some((k) => typeof k !== 'string')
  )
    problems.push({ field: 'keys', message: "name the key columns, e.g. keys: ['id']" })
  if (options?.whenMatched !== undefined && !['update', 'delete', 'ignore'].includes(options.whenMatched))
    problems.push({ field: 'whenMatched', message: "use 'update', 'delete' or 'ignore'" })
  if (options?.whenNotMatched !== undefined && !['insert', 'ignore'].includes(options.whenNotMatched))
    problems.push({ field: 'whenNotMatched', message: "use 'insert' or 'ignore'" })
  if (options?.whenMatched === 'ignore' && options.whenNotMatched === 'ignore')
    problems.push({ field: 'whenMatched', message: 'with whenNotMatched also ignore, nothing would change' })
  if (options?.format !== undefined && options.format !== 'parquet' && options.format !== 'csv')
    problems.push({ field: 'format', message: "use 'parquet' or 'csv'" })
  if (problems.length) throw new ValidationError('invalid merge options', { problems })
}

/** The table's names for `names` (Redshift folds case); an unknown one is refused, naming the columns. */
function resolve(names: readonly string[], columns: readonly string[], field: string): string[] {
  const byName = new Map(columns.map((c) => [c.toLowerCase(), c]))
  return names.map((n) => {
    const found = byName.get(n.toLowerCase())
    if (found === undefined)
      throw new ValidationError(
        `${field} names ${n}, which is not a column of the table (${columns.join(', ')})`,
        {
          problems: [{ field, message: `${n} is not a column` }],
        },
      )
    return found
  })
}

/**
 * Merges `rows` into `table` by `keys`: the rows are staged and COPYed (as `loadRows` does) into a
 * temporary table, checked, and merged with Redshift's MERGE (or the one statement that does what
 * was asked when MERGE cannot say it), all in one transaction that the client reruns after a
 * serialization conflict; the staged files are removed at the end. Rule for duplicates: input rows
 * that share a key are refused (the error names the first keys), since which one should win is the
 * caller's to say; a NULL key is refused too (it never matches).
 */
export async function mergeRows(
  client: MovementClient,
  table: TableRef | string,
  rows: LoadRows,
  options: MergeOptions,
): Promise<MergeResult> {
  const iamRole = options?.iamRole ?? client.config.defaultCopyIamRole
  checkOptions(options, iamRole)
  const started = Date.now()
  const ref = table instanceof TableRef ? table : TableRef.parse(table)
  const columns = await targetColumns(sqlRunner(client, options.signal), ref)
  const names = columns.map((c) => c.name)
  const keys = resolve(options.keys, names, 'keys')
  const updateColumns = resolve(
    options.updateColumns ?? names.filter((n) => !keys.includes(n)),
    names,
    'updateColumns',
  )
  const actions: MergeActions = {
    whenMatched: options.whenMatched ?? 'update',
    whenNotMatched: options.whenNotMatched ?? 'insert',
  }
  const stageName = `rk_merge_${randomBytes(6).toString('hex')}`
  const stageRef = new TableRef(stageName)
  const plan = mergeSql(ref, stageName, names, keys, updateColumns, actions)
  const format = rowsFormat(columns, options.format)
  const staging = await S3Staging.open(
    client.config,
    options.staging,
    (message, cause) => new LoadFailedError(message, { cause }),
  )
  const progress = new ProgressReporter(options.onProgress)
  try {
    const source = alignedBatches(rows, names)
    const staged = await stageRows(staging, { columns, rows: source, format }, options, progress)
    if (staged.length === 0) {
      progress.phase('done')
      return Object.freeze({
        rowsStaged: 0,
        rowsMatched: 0,
        rowsInserted: 0,
        rowsUpdated: 0,
        rowsDeleted: 0,
        usedMerge: plan.usesMerge,
        filesStaged: 0,
        bytesStaged: 0,
        durationMs: Date.now() - started,
      })
    }
    const copyPlan = {
      ref: stageRef,
      columns: names,
      iamRole: iamRole as string,
      configure: rowsCopyFormat(format),
      options,
    }
    const copy = await stagedCopySql(staging, staged, copyPlan)
    progress.phase('copying')
    const counts = await inLoadTransaction(client, staging, copyPlan, async (tx) => {
      await tx.execute(`CREATE TEMP TABLE ${quoteIdentifier(stageName)} (LIKE ${ref.toSql()})`)
      const loaded = await copyInTransaction(tx, copy.toSql(), copyPlan)
      progress.phase('merging')
      await refuseBadKeys(tx, stageName, keys)
      const matched = await scalar(
        tx,
        `SELECT COUNT(*) FROM ${quoteIdentifier(stageName)} s JOIN ${ref.toSql()} t ON ${keys
          .map((k) => `t.${quoteIdentifier(k)} = s.${quoteIdentifier(k)}`)
          .join(' AND ')}`,
      )
      for (const sql of plan.statements) await tx.execute(sql)
      await tx.execute(`DROP TABLE ${quoteIdentifier(stageName)}`)
      return { staged: loaded.rowsLoaded, matched }
    })
    progress.phase('done')
    const effective =
      actions.whenMatched === 'update' && updateColumns.length === 0 ? 'ignore' : actions.whenMatched
    return Object.freeze({
      rowsStaged: counts.staged,
      rowsMatched: counts.matched,
      rowsInserted: actions.whenNotMatched === 'insert' ? counts.staged - counts.matched : 0,
      rowsUpdated: effective === 'update' ? counts.matched : 0,
      rowsDeleted: effective === 'delete' ? counts.matched : 0,
      usedMerge: plan.usesMerge,
      filesStaged: staged.length,
      bytesStaged: progress.state.bytesStaged,
      durationMs: Date.now() - started,
    })
  } finally {
    await staging.cleanUp()
  }
}

async function scalar(tx: Transaction, sql: string): Promise<number> {
  const r = await tx.query(sql)
  return Number(r.rows[0]?.get(0) ?? 0)
}

/** Refuses input rows with a NULL key or a key given twice, naming a few (the transaction rolls back). */
async function refuseBadKeys(tx: Transaction, stage: string, keys: readonly string[]): Promise<void> {
  const s = quoteIdentifier(stage)
  const list = keys.map(quoteIdentifier).join(', ')
  const nulls = await scalar(
    tx,
    `SELECT COUNT(*) FROM ${s} WHERE ${keys.map((k) => `${quoteIdentifier(k)} IS NULL`).join(' OR ')}`,
  )
  if (nulls > 0)
    throw new ValidationError(
      `${nulls} input row(s) have a NULL key (${keys.join(', ')}): a NULL key matches nothing`,
      {
        problems: [{ field: 'rows', message: 'give every row its key values' }],
      },
    )
  const dupes = await tx.query(
    `SELECT ${list}, COUNT(*) AS n FROM ${s} GROUP BY ${list} HAVING COUNT(*) > 1 ORDER BY n DESC, ${list} LIMIT 5`,
  )
  if (dupes.rows.length > 0) {
    const shown = dupes.rows.map((r) => {
      const v = r.values
      const key = keys.map((k, i) => `${k}=${String(v[i])}`).join(', ')
      return `(${key}) x${String(v[keys.length])}`
    })
    throw new ValidationError(
      `the input has rows that share a key, so which should win is unclear: ${shown.join('; ')}${dupes.rows.length === 5 ? ' ...' : ''}; keep one row per key`,
      { problems: [{ field: 'rows', message: 'duplicate keys' }] },
    )
  }
}
