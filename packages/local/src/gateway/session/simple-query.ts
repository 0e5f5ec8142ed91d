/**
 * A simple Query: each statement is translated, queued and logged on its own, and sent as an unnamed
 * extended-protocol statement without Sync until the last, so the statements share one implicit
 * transaction as they would in one Query message, yet the gateway can act between them.
 */
import type { LeaderOnlyStatement } from '@redshift-kit/dialect'
import {
  BIND_UNNAMED,
  buildParse,
  DESCRIBE_UNNAMED_PORTAL,
  EXECUTE_UNNAMED,
  FLUSH,
  parseQuery,
  SYNC,
} from '../protocol/frontend.js'
import { type Execution, type Prepared, RAISE_SQL } from './execution.js'
import { IN_FAILED_TRANSACTION, leaderRowDescription, leaderRows } from './leader-answers.js'
import { withRelationColumns } from './relation-columns.js'
import { NO_PARAMETER_TYPES, runsCommand, type SessionHost, translateContext } from './session-host.js'

/**
 * Handles a client's Query message. Undefined when it was handled at once; otherwise settles when the
 * session may go on to the client's next message.
 */
export function handleQuery(host: SessionHost, frame: Buffer): Promise<void> | undefined {
  const parts = host.ctx.statementCache.split(parseQuery(frame))
  // A simple Query replaces the unnamed statement and portal, in the engine as here.
  const { state } = host
  state.statements.delete('')
  state.dropParsed('')
  const unnamed = state.portals.get('')
  if (unnamed !== undefined) state.dropPortal(unnamed)
  state.portals.delete('')
  if (parts.length === 0) {
    host.send(frame)
    host.router.expect({ kind: 'passthrough', generation: ++state.syncGeneration })
    return undefined
  }
  return chain(host, parts, 0)
}

function chain(
  host: SessionHost,
  parts: readonly string[],
  from: number,
  resolved?: Prepared,
): Promise<void> | undefined {
  const { state, ctx } = host
  for (let i = from; i < parts.length; i++) {
    const last = i === parts.length - 1
    const tctx = translateContext(state, ctx.peekQueryId())
    const prepared =
      i === from && resolved !== undefined ? resolved : ctx.statementCache.prepare(parts[i] as string, tctx)
    if (
      prepared !== resolved &&
      prepared.translation?.needsColumns !== undefined &&
      ctx.relationColumns !== undefined
    ) {
      // PIVOT over a plain relation: its columns from the catalog, then the statement again.
      return withRelationColumns(host, parts[i] as string, prepared, tctx).then((again) =>
        chain(host, parts, i, again ?? prepared),
      )
    }
    const leader = prepared.translation?.leaderOnly
    if (leader !== undefined) {
      const next = chainLeader(host, parts, i, last, leader)
      if (next !== undefined) return next
      continue
    }
    const exec = state.begin(prepared, undefined, ctx.nextQueryId())
    const pending = state.admit(exec, () => host.drained())
    if (pending !== undefined) return pending.then(() => chainStep(host, parts, i, exec, last))
    if (runsCommand(host, exec)) return chainCommand(host, parts, i, exec, last)
    const next = chainSend(host, parts, i, exec, last)
    if (next !== undefined) return next
  }
  return undefined
}

function chainStep(
  host: SessionHost,
  parts: readonly string[],
  i: number,
  exec: Execution,
  last: boolean,
): Promise<void> | undefined {
  return runsCommand(host, exec)
    ? chainCommand(host, parts, i, exec, last)
    : chainSend(host, parts, i, exec, last)
}

/**
 * A leader-node statement among a simple Query's statements, answered by the gateway; in a failed
 * transaction block it fails, and the statements after it do not run. Undefined when the chain goes
 * on at once.
 */
function chainLeader(
  host: SessionHost,
  parts: readonly string[],
  i: number,
  last: boolean,
  leader: LeaderOnlyStatement,
): Promise<void> | undefined {
  const { state, router } = host
  const value = Math.max(state.lastQueryId, state.lastSentQueryId)
  const upper = state.upperCaseNames
  /** False when the chain stops here. */
  const answer = (): boolean => {
    if (router.queue.length === 0 && state.inFailedBlock) {
      router.answer([IN_FAILED_TRANSACTION])
      state.noteError()
      sync(host)
      host.flushClient()
      host.flushEngine()
      return false
    }
    router.answer([leaderRowDescription(leader, upper), ...leaderRows(value)])
    host.flushClient()
    if (!last) return true
    sync(host)
    host.flushEngine()
    return false
  }
  if (router.queue.length > 0 && state.mayBeInBlock) {
    return host.drained().then(() => {
      if (host.closed) return undefined
      return answer() ? chain(host, parts, i + 1) : undefined
    })
  }
  // A settled promise ends the loop: the chain stopped at this statement's error.
  return answer() || last ? undefined : Promise.resolve()
}

/** A COPY / UNLOAD among a simple Query's statements: the chain goes on after it, or stops at its error. */
function chainCommand(
  host: SessionHost,
  parts: readonly string[],
  i: number,
  exec: Execution,
  last: boolean,
): Promise<void> {
  return host.launchCommand(exec, undefined).then((ok) => {
    if (host.closed) return undefined
    if (ok && !last) return chain(host, parts, i + 1)
    sync(host)
    host.flushEngine()
    return undefined
  })
}

function chainSend(
  host: SessionHost,
  parts: readonly string[],
  i: number,
  exec: Execution,
  last: boolean,
): Promise<void> | undefined {
  const { state, router } = host
  state.markRunning(exec)
  const prepared = exec.prepared as Prepared
  const sql = exec.raise !== undefined ? RAISE_SQL : prepared.sql
  host.send(buildParse('', sql, NO_PARAMETER_TYPES))
  host.send(BIND_UNNAMED)
  host.send(DESCRIBE_UNNAMED_PORTAL)
  host.send(EXECUTE_UNNAMED)
  router.expect({ kind: 'parse', hidden: true })
  router.expect({ kind: 'bind', hidden: true })
  router.expect({
    kind: 'describe',
    noRows: prepared.translation?.response?.noRows === true,
    simple: true,
    upper: state.upperCaseNames,
  })
  router.expect({ kind: 'execute', exec })
  if (last) {
    sync(host)
    return undefined
  }
  host.send(FLUSH)
  const done = new Promise<boolean>((resolve) => {
    exec.done = resolve
  })
  host.flushEngine()
  return done.then((ok) => {
    if (ok && !host.closed) return chain(host, parts, i + 1)
    sync(host)
    host.flushEngine()
    return undefined
  })
}

/** Ends the chain's implicit transaction in the engine. */
function sync(host: SessionHost): void {
  const { state } = host
  host.send(SYNC)
  state.engineSkipping = false
  host.router.expect({ kind: 'sync', generation: ++state.syncGeneration })
}
