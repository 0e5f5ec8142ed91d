/**
 * One client connection after its handshake: the client's messages, in order, to the engine (translated
 * where Redshift's dialect differs, held back while a statement waits for WLM or for a bookkeeping
 * flush), and the engine's answers back through the ResponseRouter.
 */
import type { Socket } from 'node:net'
import type { LeaderOnlyStatement } from '../../dialect/translation.js'
import { WaitAbortedError } from '../../wlm/index.js'
import type { GatewayContext, SessionHandle } from '../context.js'
import { Outbox } from '../outbox.js'
import { BackendScanner } from '../protocol/backend-scanner.js'
import { Frontend } from '../protocol/codes.js'
import { type Frame, FrameReader } from '../protocol/framing.js'
import {
  BIND_UNNAMED,
  buildParse,
  DESCRIBE_UNNAMED_PORTAL,
  EXECUTE_UNNAMED,
  FLUSH,
  parseBindNames,
  parseExecute,
  parseParse,
  parseQuery,
  parseTarget,
  SYNC,
} from '../protocol/frontend.js'
import { type CommandHost, runCommand } from './command-runner.js'
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
import { ResponseRouter } from './responses.js'
import { type BoundPortal, type SessionIdentity, SessionState } from './session-state.js'

export type { SessionIdentity } from './session-state.js'

/** Parse's parameter-type list with no types (Int16 0). */
const NO_PARAMETER_TYPES = Buffer.alloc(2)
/** Bytes a command's copyIn may leave queued on the engine socket before it waits for 'drain'. */
const ENGINE_WRITE_BUFFER = 1 << 20

/** A proxied client connection with its own engine connection. */
export class Session implements SessionHandle {
  readonly #ctx: GatewayContext
  readonly #client: Socket
  readonly #engine: Socket
  readonly #state: SessionState
  readonly #router: ResponseRouter
  readonly #toEngine = new Outbox()
  readonly #toClient = new Outbox()
  readonly #clientReader = new FrameReader()
  readonly #engineReader: BackendScanner
  /** Gateway commands waiting for every earlier message to be answered (command-runner.ts). */
  #drainWaiters: (() => void)[] = []
  #inbox: Frame[] = []
  #inboxAt = 0
  /** A client message is being handled asynchronously (WLM wait, flush, statement chain). */
  #blocked = false
  /** The engine socket's buffer is full. */
  #engineFull = false
  #closed = false

  constructor(ctx: GatewayContext, client: Socket, engine: Socket, identity: SessionIdentity) {
    this.#ctx = ctx
    this.#client = client
    this.#engine = engine
    this.#state = new SessionState(ctx, identity)
    this.#router = new ResponseRouter(
      this.#state,
      this.#toClient,
      (frame) => {
        this.#toEngine.push(frame)
        this.#flushEngine()
      },
      () => this.#closeSoon(),
    )
    this.#engineReader = new BackendScanner(this.#router)
  }

  get pid(): number {
    return this.#state.identity.pid
  }

  get secretKey(): Buffer {
    return this.#state.identity.secretKey
  }

  /** Starts proxying; `clientRest`/`engineRest` are bytes received during the handshake. */
  start(clientRest: Buffer, engineRest: Buffer): void {
    this.#ctx.sessions.set(this.pid, this)
    this.#client.on('data', (chunk: Buffer) => this.#onClientData(chunk))
    this.#engine.on('data', (chunk: Buffer) => this.#onEngineData(chunk))
    this.#client.on('drain', () => this.#engine.resume())
    this.#engine.on('drain', () => {
      this.#engineFull = false
      if (!this.#blocked) this.#client.resume()
    })
    this.#client.on('close', () => this.close())
    this.#engine.on('close', () => this.close())
    this.#client.on('error', () => this.close())
    this.#engine.on('error', () => this.close())
    if (engineRest.length > 0) this.#onEngineData(engineRest)
    if (clientRest.length > 0) this.#onClientData(clientRest)
  }

  cancelQueued(message: string | undefined): boolean {
    const current = this.#state.current
    if (current?.abort !== undefined) {
      current.abort({ message })
      return true
    }
    const wait = current?.wait
    if (wait === undefined) return false
    wait.abort(new WaitAbortedError(message ?? ''))
    return true
  }

  /** Closes both connections and records the disconnection (once). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    const { identity } = this.#state
    if (this.#ctx.sessions.get(identity.pid) === this) this.#ctx.sessions.delete(identity.pid)
    this.#state.current?.abort?.({ message: 'the client disconnected' })
    this.#router.abandonInternal()
    this.#state.abandon(this.#router.pendingExecutions())
    this.#wakeDrainWaiters()
    const micros = (Date.now() - identity.connectedAt.getTime()) * 1000
    this.#ctx.queryLog.connectionEvent(identity.disconnectEvent(micros))
    this.#client.destroy()
    this.#engine.destroy()
  }

  #closeSoon(): void {
    this.#toClient.flushTo(this.#client)
    this.#client.end()
    this.#engine.end()
  }

  // ---- engine -> client ----

  #onEngineData(chunk: Buffer): void {
    try {
      this.#engineReader.push(chunk)
    } catch (error) {
      this.#protocolFailure('engine', error)
      return
    }
    if (!this.#toClient.flushTo(this.#client)) this.#engine.pause()
    if (this.#drainWaiters.length > 0 && this.#router.queue.length === 0) this.#wakeDrainWaiters()
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters
    this.#drainWaiters = []
    for (const w of waiters) w()
  }

  /** What a gateway command needs of this session. */
  #commandHost(): CommandHost {
    const session = this
    return {
      state: this.#state,
      router: this.#router,
      get closed() {
        return session.#closed
      },
      toClient: (...frames) => {
        for (const f of frames) this.#toClient.push(f)
        if (!this.#toClient.flushTo(this.#client)) this.#engine.pause()
      },
      toEngine: (...frames) => {
        for (const f of frames) this.#toEngine.push(f)
        this.#flushEngine()
      },
      engineWritable: () => {
        const engine = this.#engine
        if (this.#closed || engine.writableLength < ENGINE_WRITE_BUFFER) return Promise.resolve()
        return new Promise((resolve) => {
          const done = (): void => {
            engine.off('drain', done)
            engine.off('close', done)
            resolve()
          }
          engine.on('drain', done)
          engine.on('close', done)
        })
      },
      drained: () => this.#drained(),
    }
  }

  /** Resolves when every earlier message has been answered and its answer written to the client. */
  #drained(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    if (this.#router.queue.length === 0) {
      this.#toClient.flushTo(this.#client)
      return Promise.resolve()
    }
    // The engine holds back answers to messages before a Flush or Sync: ask for them.
    this.#toEngine.push(FLUSH)
    this.#flushEngine()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  #flushClient(): void {
    if (!this.#toClient.flushTo(this.#client)) this.#engine.pause()
  }

  /** Runs a COPY / UNLOAD through the executor, when one is configured and WLM let it run. */
  #runsCommand(exec: Execution): boolean {
    return (
      exec.prepared?.gatewayCommand !== undefined &&
      this.#ctx.commandExecutor !== undefined &&
      exec.raise === undefined
    )
  }

  // ---- client -> engine ----

  #onClientData(chunk: Buffer): void {
    let frames: Frame[]
    try {
      frames = this.#clientReader.push(chunk)
    } catch (error) {
      this.#protocolFailure('client', error)
      return
    }
    if (this.#inboxAt === this.#inbox.length) {
      this.#inbox = frames
      this.#inboxAt = 0
    } else {
      for (const f of frames) this.#inbox.push(f)
    }
    this.#pump()
  }

  #pump(): void {
    while (!this.#blocked && !this.#closed && this.#inboxAt < this.#inbox.length) {
      const f = this.#inbox[this.#inboxAt++] as Frame
      let pending: undefined | Promise<void>
      try {
        pending = this.#handleClient(f)
      } catch (error) {
        this.#protocolFailure('client', error)
        return
      }
      if (pending !== undefined) {
        this.#blocked = true
        this.#client.pause()
        this.#flushEngine()
        pending.then(
          () => {
            this.#blocked = false
            if (!this.#engineFull) this.#client.resume()
            this.#pump()
          },
          (error: unknown) => this.#protocolFailure('gateway', error),
        )
        return
      }
    }
    this.#flushEngine()
  }

  #flushEngine(): void {
    if (this.#toEngine.empty) return
    if (!this.#toEngine.flushTo(this.#engine)) {
      this.#engineFull = true
      this.#client.pause()
    }
  }

  #send(frame: Buffer): void {
    this.#toEngine.push(frame)
  }

  #protocolFailure(side: string, error: unknown): void {
    this.#ctx.log(
      `[gateway] session ${this.pid}: ${side} failure: ${error instanceof Error ? error.message : String(error)}`,
    )
    this.close()
  }

  #handleClient(f: Frame): Promise<void> | undefined {
    const state = this.#state
    if (state.gatewaySkipping && f.type !== Frontend.Sync && f.type !== Frontend.Terminate) {
      // The gateway answered a message of this batch with an error: the rest of it is not run.
      return undefined
    }
    switch (f.type) {
      case Frontend.Query:
        return this.#simpleQuery(f.frame)
      case Frontend.Parse:
        return this.#parse(f.frame)
      case Frontend.Bind:
        return this.#bind(f.frame)
      case Frontend.Describe:
        return this.#describe(f.frame)
      case Frontend.Execute:
        return this.#execute(f.frame)
      case Frontend.Close:
        this.#close(f.frame)
        return undefined
      case Frontend.Sync:
        this.#send(f.frame)
        state.engineSkipping = false
        state.gatewaySkipping = false
        if (state.parsedReads.size > 0) state.dropAllParsed()
        this.#router.expect({ kind: 'sync', generation: ++state.syncGeneration })
        return undefined
      case Frontend.FunctionCall:
        this.#send(f.frame)
        this.#router.expect({ kind: 'passthrough', generation: ++state.syncGeneration })
        return undefined
      case Frontend.Terminate:
        this.#send(f.frame)
        this.#flushEngine()
        this.#engine.end()
        return undefined
      default:
        // Flush, and messages the gateway has no business with (CopyData of a refused COPY, ...).
        this.#send(f.frame)
        return undefined
    }
  }

  /**
   * What translation knows of the session. A named statement runs again later, when a
   * `pg_last_query_id()` literal would be stale: it reads the session setting the gateway sets instead.
   */
  #translateContext(queryId: number, named = false) {
    const s = this.#state
    const lastQueryId = Math.max(s.lastQueryId, s.lastSentQueryId)
    return named
      ? { queryId, lastQueryId, settings: s.settings, lastQueryIdFromSession: true }
      : { queryId, lastQueryId, settings: s.settings }
  }

  #parse(frame: Buffer): Promise<void> | undefined {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
      return undefined
    }
    const msg = parseParse(frame)
    const parts = this.#split(msg.sql)
    const prepared =
      parts.length === 1
        ? this.#ctx.statementCache.prepare(
            parts[0] as string,
            this.#translateContext(this.#ctx.peekQueryId(), msg.name !== ''),
          )
        : passThrough(msg.sql)
    // (A name already in use goes to the engine, which reports it: 42P05.)
    if (
      prepared.translation?.leaderOnly !== undefined &&
      (msg.name === '' || !state.statements.has(msg.name))
    ) {
      state.dropParsed(msg.name)
      state.statements.set(msg.name, prepared)
      return this.#leader(() => [PARSE_COMPLETE])
    }
    state.dropParsed(msg.name)
    state.statements.set(msg.name, prepared)
    const out = prepared.sql === msg.sql ? frame : buildParse(msg.name, prepared.sql, msg.paramTypes)
    const forward = (): void => {
      this.#send(out)
      this.#router.expect({ kind: 'parse', hidden: false })
    }
    if (prepared.translation?.readsSystemViews !== true || prepared.raise !== undefined) {
      forward()
      return undefined
    }
    // Under SERIALIZABLE the engine takes the transaction's snapshot at the first Parse or Bind that
    // needs one: the statement is logged as running, and every statement before it written as ended,
    // before its Parse goes. Its Bind in this batch takes the execution over (#bind).
    const exec = state.begin(prepared, undefined)
    state.parsedReads.set(msg.name, exec)
    return this.#admitted(exec, () => {
      if (state.engineSkipping) state.dropParsed(msg.name)
      forward()
    })
  }

  /** Runs `then` once `exec` may run (WLM, and the log flushed for a system view read). */
  #admitted(exec: Execution, then: () => void): Promise<void> | undefined {
    const admitted = this.#state.admit(exec, () => this.#drained())
    const go = (): void => {
      if (!this.#closed) then()
    }
    if (admitted === undefined) {
      go()
      return undefined
    }
    return admitted.then(go)
  }

  #bind(frame: Buffer): Promise<void> | undefined {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
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
    state.portals.set(name, portal)
    if (leader !== undefined) return this.#leader(() => [BIND_COMPLETE])
    const forward = (): void => {
      this.#send(frame)
      this.#router.expect({ kind: 'bind', hidden: false })
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
    return this.#admitted(exec, () => {
      if (state.engineSkipping) state.dropPortal(portal)
      forward()
    })
  }

  #describe(frame: Buffer): Promise<void> | undefined {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
      return undefined
    }
    const target = parseTarget(frame)
    const portal = target.kind === 'P' ? state.portals.get(target.name) : undefined
    const prepared = target.kind === 'S' ? state.statements.get(target.name) : portal?.prepared
    const leader = prepared?.translation?.leaderOnly
    const upper = state.upperCaseNames
    if (leader !== undefined) {
      return this.#leader(() =>
        target.kind === 'S'
          ? [NO_PARAMETERS, leaderRowDescription(leader, upper)]
          : [leaderRowDescription(leader, upper, portal?.leaderFormat ?? 0)],
      )
    }
    this.#send(frame)
    this.#router.expect({
      kind: 'describe',
      noRows: prepared?.translation?.response?.noRows === true,
      simple: false,
      upper,
    })
    return undefined
  }

  #close(frame: Buffer): void {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
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
      this.#router.answer([CLOSE_COMPLETE])
      this.#flushClient()
      return
    }
    this.#send(frame)
    this.#router.expect({ kind: 'close', hidden: false })
  }

  /**
   * Answers a message of a leader-node statement (`build` makes the answer). In a failed transaction
   * block it fails as any statement would: that is only known once every earlier message is answered,
   * so when a block may be open the answer waits for that.
   */
  #leader(build: () => Buffer[]): Promise<void> | undefined {
    const state = this.#state
    const now = (): void => {
      // The engine skips the rest of the batch after an earlier error: so does the gateway.
      if (this.#closed || state.engineSkipping) return
      if (this.#router.queue.length === 0 && state.inFailedBlock) {
        this.#router.answer([IN_FAILED_TRANSACTION])
        state.noteError()
        state.gatewaySkipping = true
      } else {
        this.#router.answer(build())
      }
      this.#flushClient()
    }
    if (this.#router.queue.length > 0 && state.mayBeInBlock) return this.#drained().then(now)
    now()
    return undefined
  }

  #split(sql: string): readonly string[] {
    return this.#ctx.statementCache.split(sql)
  }

  #execute(frame: Buffer): Promise<void> | undefined {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
      return undefined
    }
    const portal = state.portals.get(parseExecute(frame).portal)
    if (portal?.active !== undefined) {
      // The next batch of a row-limited portal: the same statement, still running.
      this.#send(frame)
      this.#router.expect({ kind: 'execute', exec: portal.active })
      return undefined
    }
    if (portal?.prepared?.translation?.leaderOnly !== undefined) {
      const value = Math.max(state.lastQueryId, state.lastSentQueryId)
      return this.#leader(() => leaderRows(value, portal.leaderFormat ?? 0))
    }
    if (portal?.pending !== undefined) {
      // Begun and admitted at Bind (a system view read).
      const exec = portal.pending
      portal.pending = undefined
      this.#launchExecute(exec, frame)
      return undefined
    }
    const exec = state.begin(portal?.prepared, portal)
    const launch = (): Promise<void> | undefined => {
      if (this.#runsCommand(exec)) return this.#launchCommand(exec, frame).then(() => undefined)
      if (state.engineSkipping && !exec.finished) {
        // Found out while waiting for earlier answers: the engine skips this Execute.
        state.finish(exec, 'failed', undefined, 'not executed: an earlier message of the batch failed')
        this.#send(frame)
        return undefined
      }
      this.#launchExecute(exec, frame)
      return undefined
    }
    const pending = state.admit(exec, () => this.#drained())
    return pending === undefined ? launch() : pending.then(launch)
  }

  #launchCommand(exec: Execution, execute: Buffer | undefined): Promise<boolean> {
    const executor = this.#ctx.commandExecutor
    if (executor === undefined) return Promise.resolve(false)
    return runCommand(this.#commandHost(), exec, executor, execute)
  }

  #launchExecute(exec: Execution, frame: Buffer): void {
    this.#state.markRunning(exec)
    if (exec.raise === undefined && exec.prepared?.translation?.readsLastQueryId === true) {
      setLastQueryId(exec.lastQueryIdBefore, (f) => this.#send(f), this.#router)
    }
    if (exec.raise !== undefined && exec.prepared?.raise === undefined) {
      // Refused after Parse (WLM): the engine runs a failing statement instead, so its transaction
      // state matches what the client is told.
      this.#send(buildParse('', RAISE_SQL, NO_PARAMETER_TYPES))
      this.#send(BIND_UNNAMED)
      this.#send(EXECUTE_UNNAMED)
      this.#router.expect({ kind: 'parse', hidden: true })
      this.#router.expect({ kind: 'bind', hidden: true })
    } else {
      this.#send(frame)
    }
    this.#router.expect({ kind: 'execute', exec })
  }

  /**
   * A simple Query: each statement is translated, queued and logged on its own, and sent as an
   * unnamed extended-protocol statement without Sync until the last, so the statements share one
   * implicit transaction as they would in one Query message, yet the gateway can act between them.
   */
  #simpleQuery(frame: Buffer): Promise<void> | undefined {
    const parts = this.#split(parseQuery(frame))
    // A simple Query replaces the unnamed statement and portal, in the engine as here.
    const state = this.#state
    state.statements.delete('')
    state.dropParsed('')
    const unnamed = state.portals.get('')
    if (unnamed !== undefined) state.dropPortal(unnamed)
    state.portals.delete('')
    if (parts.length === 0) {
      this.#send(frame)
      this.#router.expect({ kind: 'passthrough', generation: ++state.syncGeneration })
      return undefined
    }
    return this.#chain(parts, 0)
  }

  #chain(parts: readonly string[], from: number): Promise<void> | undefined {
    const state = this.#state
    for (let i = from; i < parts.length; i++) {
      const last = i === parts.length - 1
      const prepared = this.#ctx.statementCache.prepare(
        parts[i] as string,
        this.#translateContext(this.#ctx.peekQueryId()),
      )
      const leader = prepared.translation?.leaderOnly
      if (leader !== undefined) {
        const next = this.#chainLeader(parts, i, last, leader)
        if (next !== undefined) return next
        continue
      }
      const exec = state.begin(prepared, undefined, this.#ctx.nextQueryId())
      const pending = state.admit(exec, () => this.#drained())
      if (pending !== undefined) return pending.then(() => this.#chainStep(parts, i, exec, last))
      if (this.#runsCommand(exec)) return this.#chainCommand(parts, i, exec, last)
      const next = this.#chainSend(parts, i, exec, last)
      if (next !== undefined) return next
    }
    return undefined
  }

  #chainStep(parts: readonly string[], i: number, exec: Execution, last: boolean): Promise<void> | undefined {
    return this.#runsCommand(exec)
      ? this.#chainCommand(parts, i, exec, last)
      : this.#chainSend(parts, i, exec, last)
  }

  /**
   * A leader-node statement among a simple Query's statements, answered by the gateway; in a failed
   * transaction block it fails, and the statements after it do not run. Undefined when the chain goes
   * on at once.
   */
  #chainLeader(
    parts: readonly string[],
    i: number,
    last: boolean,
    leader: LeaderOnlyStatement,
  ): Promise<void> | undefined {
    const state = this.#state
    const value = Math.max(state.lastQueryId, state.lastSentQueryId)
    const upper = state.upperCaseNames
    /** False when the chain stops here. */
    const answer = (): boolean => {
      if (this.#router.queue.length === 0 && state.inFailedBlock) {
        this.#router.answer([IN_FAILED_TRANSACTION])
        state.noteError()
        this.#sync()
        this.#flushClient()
        this.#flushEngine()
        return false
      }
      this.#router.answer([leaderRowDescription(leader, upper), ...leaderRows(value)])
      this.#flushClient()
      if (!last) return true
      this.#sync()
      this.#flushEngine()
      return false
    }
    if (this.#router.queue.length > 0 && state.mayBeInBlock) {
      return this.#drained().then(() => {
        if (this.#closed) return undefined
        return answer() ? this.#chain(parts, i + 1) : undefined
      })
    }
    // A settled promise ends the loop: the chain stopped at this statement's error.
    return answer() || last ? undefined : Promise.resolve()
  }

  /** A COPY / UNLOAD among a simple Query's statements: the chain goes on after it, or stops at its error. */
  #chainCommand(parts: readonly string[], i: number, exec: Execution, last: boolean): Promise<void> {
    return this.#launchCommand(exec, undefined).then((ok) => {
      if (this.#closed) return undefined
      if (ok && !last) return this.#chain(parts, i + 1)
      this.#sync()
      this.#flushEngine()
      return undefined
    })
  }

  #chainSend(parts: readonly string[], i: number, exec: Execution, last: boolean): Promise<void> | undefined {
    const state = this.#state
    state.markRunning(exec)
    const prepared = exec.prepared as Prepared
    const sql = exec.raise !== undefined ? RAISE_SQL : prepared.sql
    this.#send(buildParse('', sql, NO_PARAMETER_TYPES))
    this.#send(BIND_UNNAMED)
    this.#send(DESCRIBE_UNNAMED_PORTAL)
    this.#send(EXECUTE_UNNAMED)
    this.#router.expect({ kind: 'parse', hidden: true })
    this.#router.expect({ kind: 'bind', hidden: true })
    this.#router.expect({
      kind: 'describe',
      noRows: prepared.translation?.response?.noRows === true,
      simple: true,
      upper: state.upperCaseNames,
    })
    this.#router.expect({ kind: 'execute', exec })
    if (last) {
      this.#sync()
      return undefined
    }
    this.#send(FLUSH)
    const done = new Promise<boolean>((resolve) => {
      exec.done = resolve
    })
    this.#flushEngine()
    return done.then((ok) => {
      if (ok && !this.#closed) return this.#chain(parts, i + 1)
      this.#sync()
      this.#flushEngine()
      return undefined
    })
  }

  #sync(): void {
    const state = this.#state
    this.#send(SYNC)
    state.engineSkipping = false
    this.#router.expect({ kind: 'sync', generation: ++state.syncGeneration })
  }
}
