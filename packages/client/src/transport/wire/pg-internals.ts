import { createRequire } from 'node:module'
import type { Socket } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type pg from 'pg'
import { UnsupportedError } from '../../errors/client-errors.js'

/**
 * Every read of `pg`'s private fields, in one place. The wire transport needs a few things `pg` does
 * not expose: the socket (to hand it to a cursor, to destroy it when the server stops answering),
 * the backend key (for CancelRequest), and the per-connection statement registry (to name statements
 * once per session). They were written against pg 8.23 (`pg` is pinned to 8.23.x); the first
 * connection checks their shape ({@link assertPgInternals}) and fails with an error naming the `pg`
 * version if they moved, rather than misbehaving later.
 */

/** `pg`'s Connection, as far as this package uses it. */
export interface PgConnectionInternals {
  readonly stream: Socket
  readonly parsedStatements: Record<string, string>
  readonly submittedNamedStatements: Record<string, string>
  parse(query: { text: string; name: string; types?: readonly number[] }): void
  bind(config: { portal: string; statement: string; values: readonly unknown[] }): void
  describe(message: { type: 'P' | 'S'; name: string }): void
  execute(config: { portal: string; rows?: number }): void
  sync(): void
  emit(event: string, payload: unknown): boolean
  on(event: string, listener: (...args: never[]) => void): unknown
}

interface PgClientInternals {
  readonly connection: PgConnectionInternals
  readonly processID: number | null
  readonly secretKey: number | null
  readonly host: string
  readonly port: number
  readonly ssl: boolean | ConnectionOptions
}

/** The version of `pg` this process loaded (for errors). */
export function pgVersion(): string {
  try {
    return (createRequire(import.meta.url)('pg/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** The private Connection of a `pg.Client`. */
export function pgConnectionOf(client: pg.Client): PgConnectionInternals {
  return (client as unknown as PgClientInternals).connection
}

/** The backend key and where the session lives, for a CancelRequest; pid/key null before login. */
export function backendOf(client: pg.Client): {
  readonly pid: number | null
  readonly secretKey: number | null
  readonly host: string
  readonly port: number
  readonly ssl: boolean | ConnectionOptions
} {
  const c = client as unknown as PgClientInternals
  return { pid: c.processID, secretKey: c.secretKey, host: c.host, port: c.port, ssl: c.ssl }
}

let checked = false

/**
 * Checks, on a connected client, that the private fields this package reads are where pg 8.23 keeps
 * them; throws `UnsupportedError` naming the installed `pg` version otherwise. Checked once per process.
 *
 * @example
 * await client.connect()
 * assertPgInternals(client)
 */
export function assertPgInternals(client: pg.Client, force = false): void {
  if (checked && !force) return
  const c = client as unknown as Partial<Record<keyof PgClientInternals, unknown>>
  const connection = c.connection as Partial<Record<keyof PgConnectionInternals, unknown>> | undefined
  const missing: string[] = []
  if (typeof c.processID !== 'number') missing.push('client.processID')
  if (typeof c.secretKey !== 'number') missing.push('client.secretKey')
  if (typeof c.host !== 'string') missing.push('client.host')
  if (connection === undefined || connection === null) missing.push('client.connection')
  else {
    const stream = connection.stream as Partial<Socket> | undefined
    if (typeof stream?.destroy !== 'function' || typeof stream.on !== 'function') {
      missing.push('connection.stream')
    }
    for (const field of ['parsedStatements', 'submittedNamedStatements'] as const) {
      if (typeof connection[field] !== 'object' || connection[field] === null)
        missing.push(`connection.${field}`)
    }
    for (const method of ['parse', 'bind', 'describe', 'execute', 'sync', 'emit'] as const) {
      if (typeof connection[method] !== 'function') missing.push(`connection.${method}()`)
    }
  }
  if (missing.length > 0) {
    throw new UnsupportedError(
      `pg ${pgVersion()} keeps its internals elsewhere than pg 8.23, which @redshift-kit/client was written against (${missing.join(', ')} not found): install pg 8.23.x`,
    )
  }
  checked = true
}
