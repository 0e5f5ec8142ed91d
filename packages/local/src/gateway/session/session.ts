/**
 * One client connection after its handshake: the client's messages, in order, to the engine (translated
 * where Redshift's dialect differs, held back while a statement waits for WLM or for a bookkeeping
 * flush), and the engine's answers back through the ResponseRouter. The Session owns the sockets and
 * the message order; the handlers in simple-query.ts and extended-protocol.ts act on a message through
 * a SessionHost (session-host.ts), as command-runner.ts does through a CommandHost.
 */
import type { Socket } from 'node:net'
import { WaitAbortedError } from '../../wlm/index.js'
import type { GatewayContext, SessionHandle } from '../context.js'
import { Outbox } from '../outbox.js'
import { BackendScanner } from '../protocol/backend-scanner.js'
import { Frontend } from '../protocol/codes.js'
import { type Frame, FrameReader } from '../protocol/framing.js'
import { FLUSH } from '../protocol/frontend.js'
import { type CommandHost, runCommand } from './command-runner.js'
import { handleBind, handleClose, handleDescribe, handleExecute, handleParse } from './extended-protocol.js'
import { ResponseRouter } from './responses.js'
import type { SessionHost } from './session-host.js'
import { type SessionIdentity, SessionState } from './session-state.js'
import { handleQuery } from './simple-query.js'

export type { SessionIdentity } from './session-state.js'

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
  /** What the message handlers (simple-query.ts, extended-protocol.ts) need of this session. */
  readonly #host: SessionHost
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
    this.#host = this.#handlerHost()
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
    // The engine ended the session (a FATAL it sent: a terminated backend, a shutdown): what it sent
    // must reach the client before the connection closes.
    this.#engine.on('close', () => this.close({ graceful: true }))
    this.#client.on('error', () => this.close())
    this.#engine.on('error', () => this.close())
    // A client that went away while its login was being completed (the engine connection opening)
    // has closed already: its 'close' will not come again, and the engine session must not outlive it.
    if (this.#client.destroyed || this.#engine.destroyed) {
      this.close()
      return
    }
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

  /**
   * Closes both connections and records the disconnection (once). `graceful`: what is queued for the
   * client is sent first, then the connection is ended, not reset.
   */
  close(options: { readonly graceful?: boolean } = {}): void {
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
    if (options.graceful === true && !this.#client.destroyed) {
      this.#toClient.flushTo(this.#client)
      // Closing with unread input resets the connection, and a reset can make the client drop what
      // it was sent (the FATAL saying why): its pipelined statements are read and dropped, and the
      // socket is closed once it has closed its side, or a second later.
      const timer = setTimeout(() => this.#client.destroy(), 1_000)
      timer.unref()
      this.#client.once('close', () => clearTimeout(timer))
      // What the client still sends is dropped as it arrives, not framed and queued for a session
      // that is over.
      this.#client.removeAllListeners('data')
      this.#client.on('data', () => undefined)
      this.#client.resume()
      this.#client.end()
    } else {
      this.#client.destroy()
    }
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

  /** What the message handlers need of this session. */
  #handlerHost(): SessionHost {
    const session = this
    return {
      ctx: this.#ctx,
      state: this.#state,
      router: this.#router,
      get closed() {
        return session.#closed
      },
      send: (frame) => this.#send(frame),
      flushEngine: () => this.#flushEngine(),
      flushClient: () => this.#flushClient(),
      drained: () => this.#drained(),
      launchCommand: (exec, execute) => {
        const executor = this.#ctx.commandExecutor
        if (executor === undefined && exec.prepared?.gatewayCommand?.type !== 'explain') {
          return Promise.resolve(false)
        }
        return runCommand(this.#commandHost(), exec, executor, execute)
      },
    }
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
        return handleQuery(this.#host, f.frame)
      case Frontend.Parse:
        return handleParse(this.#host, f.frame)
      case Frontend.Bind:
        return handleBind(this.#host, f.frame)
      case Frontend.Describe:
        return handleDescribe(this.#host, f.frame)
      case Frontend.Execute:
        return handleExecute(this.#host, f.frame)
      case Frontend.Close:
        handleClose(this.#host, f.frame)
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
}
