import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CopyCommandBuilder, UnloadCommandBuilder } from '../../src/index.js'
import {
  COPY_METHODS,
  checkConstructors,
  checkCopy,
  checkIdentifier,
  checkUnload,
  constructorArgument,
  copyCalls,
  hostileString,
  methodNames,
  type Outcome,
  UNLOAD_METHODS,
  unloadCalls,
} from './builder-fuzz.js'

// A short run of the builder fuzzing; the fault suite (npm run test:faults) runs 100,000+ inputs.

function tally(): { outcomes: Record<Outcome, number>; count: (o: Outcome) => void } {
  const outcomes: Record<Outcome, number> = { built: 0, refused: 0 }
  return { outcomes, count: (o) => outcomes[o]++ }
}

describe('builder fuzzing: every method, every kind of argument', () => {
  it('the fuzz covers every public method of both builders', () => {
    expect(
      methodNames(CopyCommandBuilder)
        .filter((n) => !['build', 'toString'].includes(n))
        .sort(),
    ).toEqual(COPY_METHODS.map((m) => m.name).sort())
    expect(
      methodNames(UnloadCommandBuilder)
        .filter((n) => n !== 'build')
        .sort(),
    ).toEqual(UNLOAD_METHODS.map((m) => m.name).sort())
  })

  it('COPY: one statement or a ValidationError naming the method, never anything else', () => {
    const t = tally()
    fc.assert(
      fc.property(copyCalls, (calls) => {
        t.count(checkCopy(calls))
      }),
      { numRuns: 1500 },
    )
    expect(t.outcomes.built).toBeGreaterThan(100)
    expect(t.outcomes.refused).toBeGreaterThan(100)
  })

  it('UNLOAD: one statement or a ValidationError naming the method, never anything else', () => {
    const t = tally()
    fc.assert(
      fc.property(unloadCalls, (calls) => {
        t.count(checkUnload(calls))
      }),
      { numRuns: 1500 },
    )
    expect(t.outcomes.built).toBeGreaterThan(100)
    expect(t.outcomes.refused).toBeGreaterThan(100)
  })

  it('constructors and table names take anything without a TypeError', () => {
    fc.assert(
      fc.property(constructorArgument, constructorArgument, (x, y) => {
        checkConstructors(x, y)
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.option(hostileString, { nil: undefined }), hostileString, (schema, name) => {
        checkIdentifier(schema, name)
      }),
      { numRuns: 500 },
    )
  })

  it('the defects found under attack are refused, naming the method', () => {
    const base = () => new CopyCommandBuilder('t').fromS3('data-bucket', 'in/').iamRole('default')
    const cases: [string, () => unknown, string, RegExp][] = [
      [
        'compUpdate injection',
        () =>
          base()
            .compUpdate('OFF; create table pwned (x int)' as 'ON')
            .build(),
        'compUpdate',
        /one of 'PRESET', 'ON', 'OFF'/,
      ],
      [
        'compression injection',
        () =>
          base()
            .compression('gzip; drop table t' as 'gzip')
            .build(),
        'compression',
        /one of 'gzip', 'bzip2', 'lzop', 'zstd'/,
      ],
      [
        'a bigint ignoreHeader',
        () =>
          base()
            .ignoreHeader(5n as unknown as number)
            .build(),
        'ignoreHeader',
        /whole number .* got 5n/,
      ],
      [
        'a bigint region',
        () =>
          base()
            .region(5n as unknown as string)
            .build(),
        'region',
        /5n \(a bigint\) is not an AWS region/,
      ],
      [
        'fixedWidth(null)',
        () =>
          base()
            .fixedWidth(null as unknown as string)
            .build(),
        'fixedWidth',
        /got null/,
      ],
      [
        'iamRole(5n)',
        () =>
          base()
            .iamRole(5n as unknown as string)
            .build(),
        'iamRole',
        /role ARN.*got 5n/,
      ],
      [
        'a string flag',
        () =>
          base()
            .encrypted('false' as unknown as boolean)
            .build(),
        'encrypted',
        /true or false, got "false"/,
      ],
      [
        'format of an unknown kind',
        () =>
          base()
            .format('xlsx' as 'csv')
            .build(),
        'format',
        /one of 'text', 'csv'/,
      ],
    ]
    for (const [label, build, field, message] of cases) {
      let error: unknown
      try {
        build()
      } catch (e) {
        error = e
      }
      expect(error, label).toBeInstanceOf(Error)
      expect((error as Error).name, label).toBe('ValidationError')
      const problem = (error as { problems: { field: string; message: string }[] }).problems.find(
        (p) => p.field === field,
      )
      expect(problem?.message, label).toMatch(message)
    }
    const unload = new UnloadCommandBuilder('SELECT 1').toS3('data-bucket', 'o/').iamRole('default')
    expect(() => unload.compression('zstd; drop table t' as 'zstd').build()).toThrow(
      /compression: UNLOAD writes/,
    )
    expect(() => unload.partitionBy(null as unknown as string[]).build()).toThrow(
      /partitionBy: must be an array/,
    )
    expect(() => unload.maxFileSize(5n as unknown as number).build()).toThrow(
      /maxFileSize: must be a number of MB or GB, got 5n/,
    )
  })
})
