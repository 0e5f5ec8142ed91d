/**
 * One client connection after its handshake: the client's messages, in order, to the engine (translated
 * where Redshift's dialect differs, held back while a statement waits for WLM or for a bookkeeping
 * flush), and the engine's answers back through the ResponseRouter.
 */
import type { Socket } from 'node:net'
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
import { ResponseRouter } from './responses.js'
import { type SessionIdentity, SessionState } from './session-state.js'

export type { SessionIdentity } from './session-state.js'

/** Parse's parameter-type list with no types (Int16 0). */
const NO_PARAMETER_TYPES = Buffer.alloc(2)

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
      drained: () => {
        if (this.#closed) return Promise.resolve()
        if (this.#router.queue.length === 0) {
          this.#toClient.flushTo(this.#client)
          return Promise.resolve()
        }
        // The engine holds back answers to messages before a Flush or Sync: ask for them.
        this.#toEngine.push(FLUSH)
        this.#flushEngine()
        return new Promise((resolve) => this.#drainWaiters.push(resolve))
      },
    }
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
    switch (f.type) {
      case Frontend.Query:
        return this.#simpleQuery(f.frame)
      case Frontend.Parse:
        this.#parse(f.frame)
        return undefined
      case Frontend.Bind: {
        this.#send(f.frame)
        if (state.engineSkipping) return undefined
        const { portal, statement } = parseBindNames(f.frame)
        const old = state.portals.get(portal)
        if (old?.active !== undefined) state.finish(old.active, 'success')
        state.portals.set(portal, {
          prepared: state.statements.get(statement),
          active: undefined,
          syncGeneration: state.syncGeneration,
        })
        this.#router.expect({ kind: 'bind', hidden: false })
        return undefined
      }
      case Frontend.Describe: {
        this.#send(f.frame)
        if (state.engineSkipping) return undefined
        const target = parseTarget(f.frame)
        const prepared =
          target.kind === 'S' ? state.statements.get(target.name) : state.portals.get(target.name)?.prepared
        this.#router.expect({
          kind: 'describe',
          noRows: prepared?.translation?.response?.noRows === true,
          simple: false,
        })
        return undefined
      }
      case Frontend.Execute:
        return this.#execute(f.frame)
      case Frontend.Close: {
        this.#send(f.frame)
        if (state.engineSkipping) return undefined
        const target = parseTarget(f.frame)
        if (target.kind === 'S') state.statements.delete(target.name)
        else {
          const portal = state.portals.get(target.name)
          if (portal?.active !== undefined) state.finish(portal.active, 'success')
          state.portals.delete(target.name)
        }
        this.#router.expect({ kind: 'close', hidden: false })
        return undefined
      }
      case Frontend.Sync:
        this.#send(f.frame)
        state.engineSkipping = false
        this.#router.expect({ kind: 'sync', generation: ++state.syncGeneration })
        return undefined
      case Frontend.FunctionCall:
        this.#send(f.frame)
        this.#router.expect({ kind: 'passthrough' })
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

  #translateContext(queryId: number) {
    const s = this.#state
    return { queryId, lastQueryId: Math.max(s.lastQueryId, s.lastSentQueryId), settings: s.settings }
  }

  #parse(frame: Buffer): void {
    const state = this.#state
    if (state.engineSkipping) {
      this.#send(frame)
      return
    }
    const msg = parseParse(frame)
    const parts = this.#split(msg.sql)
    const prepared =
      parts.length === 1
        ? this.#ctx.statementCache.prepare(
            parts[0] as string,
            this.#translateContext(this.#ctx.peekQueryId()),
          )
        : passThrough(msg.sql)
    state.statements.set(msg.name, prepared)
    this.#send(prepared.sql === msg.sql ? frame : buildParse(msg.name, prepared.sql, msg.paramTypes))
    this.#router.expect({ kind: 'parse', hidden: false })
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
    const exec = state.begin(portal?.prepared, portal)
    const launch = (): Promise<void> | undefined => {
      if (this.#runsCommand(exec)) return this.#launchCommand(exec, frame).then(() => undefined)
      this.#launchExecute(exec, frame)
      return undefined
    }
    const pending = state.admit(exec)
    return pending === undefined ? launch() : pending.then(launch)
  }

  #launchCommand(exec: Execution, execute: Buffer | undefined): Promise<boolean> {
    const executor = this.#ctx.commandExecutor
    if (executor === undefined) return Promise.resolve(false)
    return runCommand(this.#commandHost(), exec, executor, execute)
  }

  #launchExecute(exec: Execution, frame: Buffer): void {
    this.#state.markRunning(exec)
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
    this.#state.statements.delete('')
    this.#state.portals.delete('')
    if (parts.length === 0) {
      this.#send(frame)
      this.#router.expect({ kind: 'passthrough' })
      return undefined
    }
    return this.#chain(parts, 0)
  }

  #chain(parts: readonly string[], from: number): Promise<void> | undefined {
    const state = this.#state
    for (let i = from; i < parts.length; i++) {
      const id = this.#ctx.nextQueryId()
      const prepared = this.#ctx.statementCache.prepare(parts[i] as string, this.#translateContext(id))
      const exec = state.begin(prepared, undefined, id)
      const last = i === parts.length - 1
      const pending = state.admit(exec)
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
