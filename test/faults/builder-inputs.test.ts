import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkConstructors,
  checkCopy,
  checkIdentifier,
  checkUnload,
  constructorArgument,
  copyCalls,
  hostileString,
  type Outcome,
  unloadCalls,
} from '../../packages/client/test/data/builder-fuzz.js'
import { recordFigures, since } from './harness.js'

// 100,000+ generated inputs to every COPY/UNLOAD builder method, the constructors and table names.
// A case fails when it builds more than one statement, breaks out of a quote, throws anything but a
// ValidationError, or is refused without naming the method it came from.

const RUNS = { copy: 45_000, unload: 35_000, constructors: 10_000, identifiers: 10_000 }

describe('builder and identifier fuzzing', () => {
  it(`${Object.values(RUNS).reduce((a, b) => a + b)} generated inputs: one statement or a ValidationError naming the method`, () => {
    const t0 = performance.now()
    const outcomes: Record<Outcome, number> = { built: 0, refused: 0 }
    const count = (o: Outcome): void => {
      outcomes[o]++
    }
    let failures = 0
    const run = <T>(inputs: fc.Arbitrary<T>, check: (input: T) => Outcome, numRuns: number): void => {
      const details = fc.check(
        fc.property(inputs, (input) => {
          count(check(input))
        }),
        { numRuns },
      )
      if (details.failed) {
        failures++
        console.error(fc.defaultReportMessage(details))
      }
    }
    run(copyCalls, checkCopy, RUNS.copy)
    run(unloadCalls, checkUnload, RUNS.unload)
    run(
      fc.tuple(constructorArgument, constructorArgument),
      ([x, y]) => checkConstructors(x, y),
      RUNS.constructors,
    )
    run(
      fc.tuple(fc.option(hostileString, { nil: undefined }), hostileString),
      ([schema, name]) => checkIdentifier(schema, name),
      RUNS.identifiers,
    )
    const cases = Object.values(RUNS).reduce((a, b) => a + b)
    recordFigures({
      scenario: 'builder and identifier fuzzing',
      cases,
      failures,
      durationMs: since(t0),
      notes: `${outcomes.built} built (each one statement), ${outcomes.refused} refused with a ValidationError naming the method; 0 injections`,
    })
    expect(failures).toBe(0)
    expect(cases).toBeGreaterThanOrEqual(100_000)
    expect(outcomes.built).toBeGreaterThan(10_000)
  })
})
