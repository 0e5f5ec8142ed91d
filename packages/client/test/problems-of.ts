import { expect } from 'vitest'
import type { Problem } from '../src/index.js'
import { ValidationError } from '../src/index.js'

/** An error class that lists problems: `ValidationError` or `ConfigError`. */
type ProblemErrorClass = abstract new (...args: never[]) => { readonly problems: readonly Problem[] }

/**
 * The problems of the error `build` throws, after checking it is an `ErrorClass` (a `ValidationError`
 * by default); fails the test when `build` throws nothing.
 */
export function problemsOf(build: () => unknown, ErrorClass: ProblemErrorClass = ValidationError): Problem[] {
  try {
    build()
  } catch (e) {
    expect(e).toBeInstanceOf(ErrorClass)
    return [...(e as InstanceType<ProblemErrorClass>).problems]
  }
  throw new Error(`expected a ${ErrorClass.name}`)
}

/** Checks that `build` throws a `ValidationError` with a problem of `field` whose message matches. */
export function expectProblem(build: () => unknown, field: string, message: RegExp): void {
  const problems = problemsOf(build)
  expect(
    problems.some((p) => p.field === field && message.test(p.message)),
    JSON.stringify(problems),
  ).toBe(true)
}
