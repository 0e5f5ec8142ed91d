/** Slot accounting per queue: a statement runs once its queue has enough free slots, in arrival order. */
import type { WlmQueue } from './config.js'

/** Counters of one queue, as stv_wlm_service_class_state shows them. */
export interface WlmQueueCounters {
  readonly serviceClass: number
  readonly queued: number
  readonly executing: number
  /** Statements that got through the queue (started running). */
  readonly serviced: number
  /** Statements that finished running. */
  readonly executed: number
}

/** Returns the slots of a running statement; calling it twice is harmless. */
export type SlotRelease = () => void

/** Raised when a statement asks for more slots than its queue has (Redshift fails such a query). */
export class SlotCountError extends Error {
  override readonly name = 'SlotCountError'
}

/** Raised into a waiting statement whose wait was abandoned (cancel, disconnect, shutdown). */
export class WaitAbortedError extends Error {
  override readonly name = 'WaitAbortedError'
}

interface Waiter {
  readonly slots: number
  readonly resolve: (release: SlotRelease) => void
  readonly reject: (error: Error) => void
}

class QueueState {
  used = 0
  running = 0
  serviced = 0
  executed = 0
  readonly waiters: Waiter[] = []
  constructor(readonly queue: WlmQueue) {}
}

/** A pending slot request: `promise` settles when the statement may run; `abort` gives up waiting. */
export interface SlotWait {
  readonly promise: Promise<SlotRelease>
  readonly abort: (error: Error) => void
}

/** Hands out slots of every queue; one per server. */
export class WlmScheduler {
  readonly #states = new Map<number, QueueState>()
  /** Called whenever counters change (the server marks its WLM state dirty). */
  onChange: () => void = () => undefined

  constructor(readonly queues: readonly WlmQueue[]) {
    for (const q of queues) this.#states.set(q.serviceClass, new QueueState(q))
  }

  #state(queue: WlmQueue): QueueState {
    const state = this.#states.get(queue.serviceClass)
    if (!state) throw new Error(`unknown WLM service class ${queue.serviceClass}`)
    return state
  }

  /**
   * Takes `slots` slots of `queue` at once when free and nobody waits before; otherwise returns a wait.
   * Throws SlotCountError when the queue can never give that many slots.
   */
  acquire(queue: WlmQueue, slots: number): SlotRelease | SlotWait {
    const state = this.#state(queue)
    if (slots > queue.slots) {
      throw new SlotCountError(
        `wlm_query_slot_count ${slots} is more than the ${queue.slots} slots of WLM queue "${queue.name}" (service class ${queue.serviceClass}); lower wlm_query_slot_count`,
      )
    }
    if (state.waiters.length === 0 && state.used + slots <= queue.slots) return this.#grant(state, slots)
    let waiter: Waiter | undefined
    const promise = new Promise<SlotRelease>((resolve, reject) => {
      waiter = { slots, resolve, reject }
      state.waiters.push(waiter)
    })
    this.onChange()
    return {
      promise,
      abort: (error) => {
        const at = waiter ? state.waiters.indexOf(waiter) : -1
        if (at < 0 || !waiter) return
        state.waiters.splice(at, 1)
        waiter.reject(error)
        this.#drain(state)
        this.onChange()
      },
    }
  }

  #grant(state: QueueState, slots: number): SlotRelease {
    state.used += slots
    state.running++
    state.serviced++
    this.onChange()
    let released = false
    return () => {
      if (released) return
      released = true
      state.used -= slots
      state.running--
      state.executed++
      this.#drain(state)
      this.onChange()
    }
  }

  #drain(state: QueueState): void {
    for (;;) {
      const next = state.waiters[0]
      if (!next || state.used + next.slots > state.queue.slots) return
      state.waiters.shift()
      next.resolve(this.#grant(state, next.slots))
    }
  }

  /** Counters of every queue. */
  counters(): WlmQueueCounters[] {
    return [...this.#states.values()].map((s) => ({
      serviceClass: s.queue.serviceClass,
      queued: s.waiters.length,
      executing: s.running,
      serviced: s.serviced,
      executed: s.executed,
    }))
  }

  /** Rejects every waiting statement (shutdown). */
  abortAll(error: Error): void {
    for (const state of this.#states.values()) {
      for (const w of state.waiters.splice(0)) w.reject(error)
    }
  }
}

/** Whether `acquire` answered at once. */
export function isGranted(result: SlotRelease | SlotWait): result is SlotRelease {
  return typeof result === 'function'
}
