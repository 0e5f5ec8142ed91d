import { QueryFailedError } from '../../errors/query-errors.js'

interface Item {
  readonly session: string
  readonly work: () => Promise<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  readonly timer: ReturnType<typeof setTimeout>
}

/**
 * Runs engine work one item at a time. The engine has a single session, so while a mock session holds
 * a transaction on it, only that session's work runs; the others wait, as behind a table lock, for at
 * most `lockWaitMs`, then fail saying why (never a silent hang).
 */
export class EngineScheduler {
  readonly #lockWaitMs: number
  /** Runs before an item when no transaction is open (applies pending setup). */
  readonly #beforeIdleWork: () => Promise<void>
  #owner: string | null = null
  #queue: Item[] = []
  #running = false

  constructor(lockWaitMs: number, beforeIdleWork: () => Promise<void>) {
    this.#lockWaitMs = lockWaitMs
    this.#beforeIdleWork = beforeIdleWork
  }

  /** The session whose transaction is open on the engine, or null. */
  get owner(): string | null {
    return this.#owner
  }

  /** Marks `session` as holding (or, with null, no session holding) the engine's transaction. */
  setOwner(session: string | null): void {
    this.#owner = session
  }

  /** Runs `work` for `session` when the engine is free for it. */
  run<T>(session: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#queue.indexOf(item)
        if (i === -1) return
        this.#queue.splice(i, 1)
        reject(
          new QueryFailedError(
            `the mock's engine runs one transaction at a time, and this statement waited ${this.#lockWaitMs} ms for the transaction of session ${this.#owner ?? '?'} to end; commit or roll it back first (or raise lockWaitMs in MockConfig)`,
            { sqlState: '55P03' },
          ),
        )
      }, this.#lockWaitMs)
      timer.unref?.()
      const item: Item = {
        session,
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      }
      this.#queue.push(item)
      this.#pump()
    })
  }

  #pump(): void {
    if (this.#running) return
    const index = this.#queue.findIndex((i) => this.#owner === null || i.session === this.#owner)
    if (index === -1) return
    const [item] = this.#queue.splice(index, 1) as [Item]
    clearTimeout(item.timer)
    this.#running = true
    void (async () => {
      try {
        if (this.#owner === null) await this.#beforeIdleWork()
        item.resolve(await item.work())
      } catch (error) {
        item.reject(error)
      } finally {
        this.#running = false
        this.#pump()
      }
    })()
  }
}
