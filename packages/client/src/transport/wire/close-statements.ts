import pg from 'pg'

interface ProtocolConnection {
  close(message: { type: 'S'; name: string }): void
  sync(): void
  readonly stream: { cork?: () => void; uncork?: () => void }
}

/**
 * Close(statement) for each name, then Sync: drops named statements from the session. Unlike
 * `DEALLOCATE`, closing a name the session does not have is not an error, so a close can never fail
 * the statements pipelined around it. It extends `pg.Query` because pipeline mode refuses other
 * submittables.
 */
export class CloseStatements extends pg.Query {
  constructor(names: readonly string[], callback: (error: Error | undefined) => void) {
    super({ text: '' }, (error: Error | undefined) => callback(error ?? undefined))
    this.submit = (connection: unknown): null => {
      const protocol = connection as ProtocolConnection
      protocol.stream.cork?.()
      try {
        for (const name of names) protocol.close({ type: 'S', name })
        protocol.sync()
      } finally {
        protocol.stream.uncork?.()
      }
      return null
    }
  }
}
