/** The result of SQL the executors run in the client's session: text values, as the engine sends them. */
export interface SqlResult {
  readonly rows: readonly (readonly (string | null)[])[]
  readonly fields: readonly { readonly name: string; readonly typeOid: number }[]
}

/** Runs SQL with text parameters on the client's own engine session, inside its transaction. */
export type SqlRunner = (sql: string, params?: readonly (string | null)[]) => Promise<SqlResult>
