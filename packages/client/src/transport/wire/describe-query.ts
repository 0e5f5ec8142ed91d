import pg from 'pg'

/** The columns a statement will return, as the server described them. */
export interface DescribedField {
  readonly name: string
  readonly dataTypeID: number
  readonly dataTypeModifier: number
  readonly dataTypeSize: number
}

interface ProtocolConnection {
  parse(query: { text: string; name: string }, more: boolean): void
  describe(message: { type: 'S'; name: string }, more: boolean): void
  sync(): void
}

/**
 * Parse + Describe(statement) + Sync under a name, without executing: validates a prepared statement and
 * learns its columns. It extends `pg.Query` because `pg` records a named Parse as done on that
 * connection only for its own query class (so the first execution there skips the Parse), and because
 * pipeline mode refuses other submittables.
 */
export class DescribeQuery extends pg.Query {
  readonly #name: string
  readonly #text: string

  constructor(
    name: string,
    text: string,
    callback: (error: Error | undefined, fields: DescribedField[]) => void,
  ) {
    super({ name, text }, (error: Error | undefined, result: unknown) => {
      const fields = (result as { fields?: DescribedField[] } | undefined)?.fields ?? []
      callback(error ?? undefined, fields)
    })
    this.#name = name
    this.#text = text
    this.submit = (connection: unknown): void => {
      const protocol = connection as ProtocolConnection
      protocol.parse({ text: this.#text, name: this.#name }, true)
      protocol.describe({ type: 'S', name: this.#name }, true)
      protocol.sync()
    }
  }
}
