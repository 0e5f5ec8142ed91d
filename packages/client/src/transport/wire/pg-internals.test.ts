import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { UnsupportedError } from '../../errors/client-errors.js'
import { assertPgInternals, pgVersion } from './pg-internals.js'

describe("pg's private fields", () => {
  it('are where pg 8.23 keeps them (the installed pg is the pinned minor version)', () => {
    expect(pgVersion()).toMatch(/^8\.23\./)
    // A client that never connected has no backend key yet: the check names exactly that.
    const client = new pg.Client()
    const error = (() => {
      try {
        assertPgInternals(client, true)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(UnsupportedError)
    expect((error as Error).message).toMatch(/^pg 8\.23\.\d+ keeps its internals elsewhere/)
    expect((error as Error).message).toMatch(/client\.processID, client\.secretKey not found/)
  })

  it('are refused with a clear error when they moved', () => {
    const moved = {
      processID: 1,
      secretKey: 2,
      host: 'h',
      connection: { stream: {} },
    } as unknown as pg.Client
    expect(() => assertPgInternals(moved, true)).toThrow(
      /connection\.stream, connection\.parsedStatements, connection\.submittedNamedStatements, connection\.parse\(\).* not found\): install pg 8\.23\.x/,
    )
  })
})
