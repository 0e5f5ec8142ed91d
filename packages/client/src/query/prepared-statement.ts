import { ValidationError } from '../errors/client-errors.js'
import type { PreparedStatementSpec } from '../transport/transport.js'
import type { ColumnMetadata } from '../types/column-metadata.js'
import { countPlaceholders } from '../types/sql-scan.js'

const specs = new WeakMap<PreparedStatement, PreparedStatementSpec>()
let sequence = 0

/**
 * A statement prepared with `client.prepare(name, sql)`: parsed once on each pooled connection that
 * runs it (on first use there, again after a reconnect), then only bound and executed.
 *
 * @example
 * const stmt = await client.prepare('user_by_id', 'SELECT * FROM users WHERE id = $1')
 * stmt.parameterCount                       // 1
 * await client.executePrepared(stmt, [123n])
 * await client.deallocate(stmt)
 */
export class PreparedStatement {
  /** The name given to `prepare()`. */
  readonly name: string
  readonly sql: string
  /** How many parameters it takes (its highest `$n`). */
  readonly parameterCount: number
  /** The columns it returns (empty for statements that return no rows). */
  readonly columns: readonly ColumnMetadata[]
  #deallocated = false

  /** Use `client.prepare()`; this constructor is for transports and mocks. */
  constructor(spec: PreparedStatementSpec, columns: readonly ColumnMetadata[]) {
    this.name = spec.name
    this.sql = spec.sql
    this.parameterCount = countPlaceholders(spec.sql)
    this.columns = Object.freeze([...columns])
    specs.set(this, spec)
  }

  /** True once `client.deallocate()` ran on it; it can no longer be executed. */
  get deallocated(): boolean {
    return this.#deallocated
  }

  /** Marks it deallocated; returns false when it already was. */
  markDeallocated(): boolean {
    if (this.#deallocated) return false
    this.#deallocated = true
    return true
  }
}

/**
 * A transport-level description of a new prepared statement, with a server name unique in this
 * process (so a name given twice, or reused after `deallocate`, never meets a stale parse).
 */
export function newPreparedSpec(name: string, sql: string): PreparedStatementSpec {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ValidationError('invalid prepared statement', {
      problems: [{ field: 'name', message: 'must be a non-empty string' }],
    })
  }
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new ValidationError('invalid prepared statement', {
      problems: [{ field: 'sql', message: 'must be a non-empty SQL statement' }],
    })
  }
  sequence++
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40)
  return Object.freeze({ name, serverName: `rk_${sequence}_${safe}`, sql })
}

/** The spec of a statement, checking that it can still run; throws a ValidationError otherwise. */
export function usableSpec(statement: PreparedStatement): PreparedStatementSpec {
  const spec = statement instanceof PreparedStatement ? specs.get(statement) : undefined
  if (spec === undefined) {
    throw new ValidationError('not a prepared statement', {
      problems: [{ field: 'statement', message: 'pass the object returned by client.prepare()' }],
    })
  }
  if (statement.deallocated) {
    throw new ValidationError(`prepared statement "${statement.name}" was deallocated`, {
      problems: [{ field: 'statement', message: 'prepare it again with client.prepare()' }],
    })
  }
  return spec
}
