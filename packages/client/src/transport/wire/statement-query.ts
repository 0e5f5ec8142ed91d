import pg from 'pg'

interface ProtocolConnection {
  parse(query: { text: string; name: string; types: readonly number[] }): void
  bind(config: { portal: string; statement: string; values: readonly unknown[] }): void
  describe(message: { type: 'P'; name: string }): void
  execute(message: { portal: string }): void
  sync(): void
  readonly stream: { cork?: () => void; uncork?: () => void }
  readonly parsedStatements: Record<string, string>
  readonly submittedNamedStatements: Record<string, string>
}

/** What {@link StatementQuery} sends. */
export interface StatementQueryConfig {
  readonly text: string
  /** Already serialized for the wire (text, bytes or null): written as they are. */
  readonly values: readonly unknown[]
  /** A statement name: parsed under it unless the session has it already, then only bound. */
  readonly name?: string
  /** A second statement run right behind the first, before the one Sync (its result comes second). */
  readonly followUp?: string
}

const NO_TYPES: readonly number[] = []
const NO_VALUES: readonly unknown[] = []

/**
 * A statement and, behind it, a follow-up (`SELECT pg_last_query_id()`) under one Sync: one
 * implicit transaction on the server instead of two, one ReadyForQuery instead of two. An error in
 * the statement skips the follow-up, so the caller sees the statement's own error. Only for a single
 * statement that may run inside a transaction block (SELECT, INSERT, UPDATE, DELETE): the follow-up
 * shares its transaction. The results come as an array, the statement's first.
 *
 * It extends `pg.Query` because pipeline mode refuses other submittables, and so that `pg` records a
 * named parse as done on the session.
 */
export class StatementQuery extends pg.Query {
  constructor(config: StatementQueryConfig, callback: (error: Error | undefined, result: unknown) => void) {
    // Rows as arrays: `rowMode` is a real option of pg's Query, missing from its typings' QueryConfig.
    const queryConfig = {
      text: config.text,
      rowMode: 'array',
      ...(config.name === undefined ? {} : { name: config.name }),
    }
    super(queryConfig as pg.QueryConfig, (error: Error | undefined, result: unknown) =>
      callback(error ?? undefined, result),
    )
    const name = config.name ?? ''
    this.submit = (connection: unknown): Error | null => {
      const protocol = connection as ProtocolConnection
      if (name !== '') {
        const previous = protocol.parsedStatements[name] ?? protocol.submittedNamedStatements[name]
        if (previous !== undefined && previous !== config.text) {
          return new Error(
            `Prepared statements must be unique - '${name}' was used for a different statement`,
          )
        }
      }
      protocol.stream.cork?.()
      try {
        if (
          name === '' ||
          (protocol.parsedStatements[name] === undefined &&
            protocol.submittedNamedStatements[name] === undefined)
        ) {
          protocol.parse({ text: config.text, name, types: NO_TYPES })
          if (name !== '') protocol.submittedNamedStatements[name] = config.text
        }
        protocol.bind({ portal: '', statement: name, values: config.values })
        protocol.describe({ type: 'P', name: '' })
        protocol.execute({ portal: '' })
        if (config.followUp !== undefined) {
          protocol.parse({ text: config.followUp, name: '', types: NO_TYPES })
          protocol.bind({ portal: '', statement: '', values: NO_VALUES })
          protocol.describe({ type: 'P', name: '' })
          protocol.execute({ portal: '' })
        }
        protocol.sync()
      } finally {
        protocol.stream.uncork?.()
      }
      return null
    }
  }
}
