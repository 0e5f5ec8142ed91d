import type { SerializedParam } from '../../types/param-serializer.js'

/**
 * The part of PGlite the mock uses, described here so that no PGlite type reaches the package's
 * public declarations (PGlite is an optional dependency, loaded only when tables are used).
 */
export interface EngineDb {
  execProtocol(
    message: Uint8Array,
    options?: { readonly throwOnError?: boolean },
  ): Promise<{ readonly messages: readonly EngineMessage[] }>
  exec(sql: string): Promise<unknown>
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob | File>
  close(): Promise<void>
  readonly closed: boolean
}

/** A backend message as PGlite's protocol parser returns it. */
export interface EngineMessage {
  readonly name: string
  readonly fields?: readonly unknown[]
  readonly text?: string
  readonly status?: string
}

/** A RowDescription field. */
export interface EngineField {
  readonly name: string
  readonly tableID: number
  readonly columnID: number
  readonly dataTypeID: number
  readonly dataTypeModifier: number
}

/** The protocol message builders of PGlite (`protocol.serialize`). */
export interface EngineSerializer {
  query(text: string): Uint8Array
  parse(query: { text: string; name?: string; types?: number[] }): Uint8Array
  bind(config?: { values?: (string | ArrayBufferView | null)[] }): Uint8Array
  describe(message: { type: 'S' | 'P'; name?: string }): Uint8Array
  execute(config?: { rows?: number }): Uint8Array
  sync(): Uint8Array
}

/** One statement's outcome on the engine, before typing. */
export interface EngineResult {
  /** The command tag's verb (`SELECT`, `INSERT`, ...). */
  readonly command: string
  /** The count in the command tag (`INSERT 0 3` -> 3), 0 when it has none. */
  readonly rowCount: number
  readonly fields: readonly EngineField[]
  /** Column values in text form (SQL NULL as `null`). */
  readonly rows: readonly (readonly (string | null)[])[]
  /** The session's transaction status after it: idle, in a transaction, or in a failed one. */
  readonly status: 'I' | 'T' | 'E'
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** The verb and count of a command tag, read exactly as `pg` reads them (`CREATE TABLE` is `CREATE`). */
function commandOf(tag: string): { command: string; rowCount: number } {
  const match = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/.exec(tag)
  if (match === null) return { command: '', rowCount: 0 }
  const count = match[3] ?? match[2]
  return { command: match[1] ?? '', rowCount: count === undefined ? 0 : Number.parseInt(count, 10) }
}

/**
 * Collects the last result of a message stream (a simple query with several statements returns the
 * last one's, as `pg` does), throwing the first error the server sent.
 */
function collect(messages: readonly EngineMessage[]): EngineResult {
  let fields: readonly EngineField[] = []
  let rows: (readonly (string | null)[])[] = []
  let command = ''
  let rowCount = 0
  let status: 'I' | 'T' | 'E' = 'I'
  let error: unknown
  for (const m of messages) {
    switch (m.name) {
      case 'rowDescription':
        fields = (m.fields ?? []) as EngineField[]
        rows = []
        break
      case 'dataRow':
        rows.push((m.fields ?? []) as (string | null)[])
        break
      case 'commandComplete': {
        const tag = commandOf(m.text ?? '')
        command = tag.command
        rowCount = tag.rowCount
        break
      }
      case 'emptyQuery':
        fields = []
        rows = []
        command = ''
        rowCount = 0
        break
      case 'readyForQuery':
        status = m.status === 'T' || m.status === 'E' ? m.status : 'I'
        break
      case 'error':
        error ??= m
        break
      default:
        break
    }
  }
  if (error !== undefined) throw Object.assign(error as object, { transactionStatus: status })
  return { command, rowCount, fields, rows, status }
}

/**
 * Runs one statement as `pg` would send it: the simple protocol when it has no parameters (several
 * statements allowed, the last one's result returned), the extended protocol otherwise (parameters
 * in text form, bytes in binary form).
 */
export async function runOnEngine(
  db: EngineDb,
  serialize: EngineSerializer,
  sql: string,
  params: readonly SerializedParam[],
): Promise<EngineResult> {
  const message =
    params.length === 0
      ? serialize.query(sql)
      : concat([
          serialize.parse({ text: sql }),
          serialize.bind({ values: [...params] }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ])
  const { messages } = await db.execProtocol(message, { throwOnError: false })
  return collect(messages)
}

/** Parses `sql` without running it and returns the columns it would produce. */
export async function describeOnEngine(
  db: EngineDb,
  serialize: EngineSerializer,
  sql: string,
): Promise<{ readonly fields: readonly EngineField[]; readonly status: 'I' | 'T' | 'E' }> {
  const { messages } = await db.execProtocol(
    concat([serialize.parse({ text: sql }), serialize.describe({ type: 'S' }), serialize.sync()]),
    { throwOnError: false },
  )
  const result = collect(messages)
  return { fields: result.fields, status: result.status }
}
