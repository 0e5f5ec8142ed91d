import type { PoolConnectionFactory } from '../../src/transport/wire/pool.js'

/** A stand-in for a wire connection: it only records what the pool did to it. */
export interface FakeConnection {
  readonly id: number
  closed: boolean
  validations: number
  /** What the pool gave the factory to report this connection's death. */
  readonly die: (error: unknown) => void
  /** `reusable()` answers this (false = a transaction is "open"). */
  reusable: boolean
}

/** A factory of fake connections with knobs for failures, plus what the pool asked of it. */
export interface FakeFactory extends PoolConnectionFactory<FakeConnection> {
  readonly created: FakeConnection[]
  readonly destroyed: FakeConnection[]
  /** Errors to throw from the next `create()` calls, in order. */
  readonly createFailures: Error[]
  /** What `validate()` answers. */
  validateResult: boolean
  /** When set, `create()` waits for this promise before resolving. */
  createGate: Promise<void> | undefined
}

export function fakeFactory(): FakeFactory {
  let nextId = 1
  const factory: FakeFactory = {
    created: [],
    destroyed: [],
    createFailures: [],
    validateResult: true,
    createGate: undefined,
    async create(onBroken) {
      if (factory.createGate) await factory.createGate
      const failure = factory.createFailures.shift()
      if (failure) throw failure
      const connection: FakeConnection = {
        id: nextId++,
        closed: false,
        validations: 0,
        die: onBroken,
        reusable: true,
      }
      factory.created.push(connection)
      return connection
    },
    async destroy(connection) {
      connection.closed = true
      factory.destroyed.push(connection)
    },
    async validate(connection) {
      connection.validations++
      return factory.validateResult
    },
    reusable(connection) {
      return connection.reusable
    },
  }
  return factory
}

/** Lets every already-settled promise callback run (fake timers do not advance microtasks by themselves). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
