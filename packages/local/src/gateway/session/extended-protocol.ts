/**
 * The extended-protocol messages (Parse, Bind, Describe, Execute, Close) of a client: translated on
 * their way to the engine, answered by the gateway for leader-node statements, and held back while a
 * statement waits for WLM or, for a system view read, for the query log to be flushed before the
 * engine takes its snapshot.
 *
 * Each handler returns undefined when the message was handled at once, or a promise that settles when
 * the session may go on to the client's next message.
 */
import {
  BIND_UNNAMED,
  buildParse,
  EXECUTE_UNNAMED,
  parseBindNames,
  parseBindValues,
  parseExecute,
  parseParse,
  parseTarget,
} from '../protocol/frontend.js'
import { type Execution, type Prepared, passThrough, RAISE_SQL } from './execution.js'
import { setLastQueryId } from './last-query-id-setter.js'
import {
  BIND_COMPLETE,
  bindShape,
  CLOSE_COMPLETE,
  IN_FAILED_TRANSACTION,
  leaderRowDescription,
  leaderRows,
  NO_PARAMETERS,
  PARSE_COMPLETE,
} from './leader-answers.js'
import { withRelationColumns } from './relation-columns.js'
import { NO_PARAMETER_TYPES, runsCommand, type SessionHost, translateContext } from './session-host.js'
import type { BoundPortal } from './session-state.js'

/** Handles a client's Parse message. */
export function handleParse(host: SessionHost, frame: Buffer): Promise<void> | undefined {
  const { state, ctx } = host
  if (state.engineSkipping) {
    host.send(frame)
    return undefined
  }
  const msg = parseParse(frame)
  const parts = ctx.statementCache.split(msg.sql)
  const tctx = translateContext(state, ctx.peekQueryId(), msg.name !== '')
  const prepared =
    parts.length === 1 ? ctx.statementCache.prepare(parts[0] as string, tctx) : passThrough(msg.sql)
  if (prepared.translation?.needsColumns !== undefined && ctx.relationColumns !== undefined) {
    // PIVOT over a plain relation: its columns from the catalog, then the statement again.
    return withRelationColumns(host, parts[0] as string, prepared, tctx).then((again) =>
      parsePrepared(host, frame, msg, again ?? prepared),
    )
  }
  return parsePrepared(host, frame, msg, prepared)
}

function parsePrepared(
  host: SessionHost,
  frame: Buffer,
  msg: ReturnType<typeof parseParse>,
  prepared: Prepared,
): Promise<void> | undefined {
  const { state } = host
  // (A name already in use goes to the engine, which reports it: 42P05.)
  if (
    prepared.translation?.leaderOnly !== undefined &&
    (msg.name === '' || !state.statements.has(msg.name))
  ) {
    state.dropParsed(msg.name)
    state.statements.set(msg.name, prepared)
    return answerLeader(host, () => [PARSE_COMPLETE])
  }
  state.dropParsed(msg.name)
  state.statements.set(msg.name, prepared)
  const out = prepared.sql === msg.sql ? frame : buildParse(msg.name, prepared.sql, msg.paramTypes)
  const forward = (): void => {
    host.send(out)
    host.router.expect({ kind: 'parse', hidden: false })
  }
  if (prepared.translation?.readsSystemViews !== true || prepared.raise !== undefined) {
    forward()
    return undefined
  }
  // Under SERIALIZABLE the engine takes the transaction's snapshot at the first Parse or Bind that
  // needs one: the statement is logged as running, and every statement before it written as ended,
  // before its Parse goes. Its Bind in this batch takes the execution over (handleBind).
  const exec = state.begin(prepared, undefined)
  state.parsedReads.set(msg.name, exec)
  return admitted(host, exec, () => {
    if (state.engineSkipping) state.dropParsed(msg.name)
    forward()
  })
}

/** Handles a client's Bind message. */
export function handleBind(host: SessionHost, frame: Buffer): Promise<void> | undefined {
  const { state } = host
  if (state.engineSkipping) {
    host.send(frame)
    return undefined
  }
  const { portal: name, statement } = parseBindNames(frame)
  const prepared = state.statements.get(statement)
  const old = state.portals.get(name)
  if (old !== undefined) state.dropPortal(old)
  const parsed = state.parsedReads.get(statement)
  state.parsedReads.delete(statement)
  const leader = prepared?.translation?.leaderOnly
  const portal: BoundPortal = {
    prepared,
    active: undefined,
    pending: undefined,
    syncGeneration: state.syncGeneration,
    ...(leader === undefined ? {} : { leaderFormat: bindShape(frame).format }),
  }
  if (prepared?.gatewayCommand?.type === 'explain') portal.bindParameters = parseBindValues(frame)
  state.portals.set(name, portal)
  if (leader !== undefined) return answerLeader(host, () => [BIND_COMPLETE])
  const forward = (): void => {
    host.send(frame)
    host.router.expect({ kind: 'bind', hidden: false })
  }
  if (parsed !== undefined && !parsed.finished) {
    // Begun at its Parse, in this batch: the snapshot was taken after the flush.
    parsed.portal = portal
    portal.pending = parsed
    forward()
    return undefined
  }
  if (prepared?.translation?.readsSystemViews !== true || prepared.raise !== undefined) {
    forward()
    return undefined
  }
  // A statement parsed in an earlier batch starts a transaction (and takes its snapshot) here.
  const exec = state.begin(prepared, portal)
  portal.pending = exec
  return admitted(host, exec, () => {
    if (state.engineSkipping) state.dropPortal(portal)
    forward()
  })
}

/** Handles a client's Describe message. */
export function handleDescribe(host: SessionHost, frame: Buffer): Promise<void> | undefined {
  const { state } = host
  if (state.engineSkipping) {
    host.send(frame)
    return undefined
  }
  const target = parseTarget(frame)
  const portal = target.kind === 'P' ? state.portals.get(target.name) : undefined
  const prepared = target.kind === 'S' ? state.statements.get(target.name) : portal?.prepared
  const leader = prepared?.translation?.leaderOnly
  const upper = state.upperCaseNames
  if (leader !== undefined) {
    return answerLeader(host, () =>
      target.kind === 'S'
        ? [NO_PARAMETERS, leaderRowDescription(leader, upper)]
        : [leaderRowDescription(leader, upper, portal?.leaderFormat ?? 0)],
    )
  }
  host.send(frame)
  host.router.expect({
    kind: 'describe',
    noRows: prepared?.translation?.response?.noRows === true,
    simple: false,
    upper,
  })
  return undefined
}

/** Handles a client's Close message (always at once). */
export function handleClose(host: SessionHost, frame: Buffer): void {
  const { state } = host
  if (state.engineSkipping) {
    host.send(frame)
    return
  }
  const target = parseTarget(frame)
  let gatewayOnly: boolean
  if (target.kind === 'S') {
    gatewayOnly = state.statements.get(target.name)?.translation?.leaderOnly !== undefined
    state.statements.delete(target.name)
    state.dropParsed(target.name)
  } else {
    const portal = state.portals.get(target.name)
    gatewayOnly = portal?.leaderFormat !== undefined
    if (portal !== undefined) state.dropPortal(portal)
    state.portals.delete(target.name)
  }
  if (gatewayOnly) {
    // A leader statement or portal: only the gateway knew it.
    host.router.answer([CLOSE_COMPLETE])
    host.flushClient()
    return
  }
  host.send(frame)
  host.router.expect({ kind: 'close', hidden: false })
}

/** Handles a client's Execute message. */
export function handleExecute(host: SessionHost, frame: Buffer): Promise<void> | undefined {
  const { state } = host
  if (state.engineSkipping) {
    host.send(frame)
    return undefined
  }
  const portal = state.portals.get(parseExecute(frame).portal)
  if (portal?.active !== undefined) {
    // The next batch of a row-limited portal: the same statement, still running.
    host.send(frame)
    host.router.expect({ kind: 'execute', exec: portal.active })
    return undefined
  }
  if (portal?.prepared?.translation?.leaderOnly !== undefined) {
    const value = Math.max(state.lastQueryId, state.lastSentQueryId)
    return answerLeader(host, () => leaderRows(value, portal.leaderFormat ?? 0))
  }
  if (portal?.pending !== undefined) {
    // Begun and admitted at Bind (a system view read).
    const exec = portal.pending
    portal.pending = undefined
    if (runsCommand(host, exec)) return host.launchCommand(exec, frame).then(() => undefined)
    launchExecute(host, exec, frame)
    return undefined
  }
  const exec = state.begin(portal?.prepared, portal)
  const launch = (): Promise<void> | undefined => {
    if (runsCommand(host, exec)) return host.launchCommand(exec, frame).then(() => undefined)
    if (state.engineSkipping && !exec.finished) {
      // Found out while waiting for earlier answers: the engine skips this Execute.
      state.finish(exec, 'failed', undefined, 'not executed: an earlier message of the batch failed')
      host.send(frame)
      return undefined
    }
    launchExecute(host, exec, frame)
    return undefined
  }
  const pending = state.admit(exec, () => host.drained())
  return pending === undefined ? launch() : pending.then(launch)
}

function launchExecute(host: SessionHost, exec: Execution, frame: Buffer): void {
  const { router } = host
  host.state.markRunning(exec)
  if (exec.raise === undefined && exec.prepared?.translation?.readsLastQueryId === true) {
    setLastQueryId(exec.lastQueryIdBefore, (f) => host.send(f), router)
  }
  if (exec.raise !== undefined && exec.prepared?.raise === undefined) {
    // Refused after Parse (WLM): the engine runs a failing statement instead, so its transaction
    // state matches what the client is told.
    host.send(buildParse('', RAISE_SQL, NO_PARAMETER_TYPES))
    host.send(BIND_UNNAMED)
    host.send(EXECUTE_UNNAMED)
    router.expect({ kind: 'parse', hidden: true })
    router.expect({ kind: 'bind', hidden: true })
  } else {
    host.send(frame)
  }
  router.expect({ kind: 'execute', exec })
}

/** Runs `then` once `exec` may run (WLM, and the log flushed for a system view read). */
function admitted(host: SessionHost, exec: Execution, then: () => void): Promise<void> | undefined {
  const pending = host.state.admit(exec, () => host.drained())
  const go = (): void => {
    if (!host.closed) then()
  }
  if (pending === undefined) {
    go()
    return undefined
  }
  return pending.then(go)
}

/**
 * Answers a message of a leader-node statement (`build` makes the answer). In a failed transaction
 * block it fails as any statement would: that is only known once every earlier message is answered,
 * so when a block may be open the answer waits for that.
 */
function answerLeader(host: SessionHost, build: () => Buffer[]): Promise<void> | undefined {
  const { state, router } = host
  const now = (): void => {
    // The engine skips the rest of the batch after an earlier error: so does the gateway.
    if (host.closed || state.engineSkipping) return
    if (router.queue.length === 0 && state.inFailedBlock) {
      router.answer([IN_FAILED_TRANSACTION])
      state.noteError()
      state.gatewaySkipping = true
    } else {
      router.answer(build())
    }
    host.flushClient()
  }
  if (router.queue.length > 0 && state.mayBeInBlock) return host.drained().then(now)
  now()
  return undefined
}
