import type { ParseArgsConfig } from 'node:util'
import type { CliIo } from './io.js'

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>

/** Parsed flags of a command: strings, booleans, and repeated strings. */
export type Flags = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>

/**
 * One `redshift-kit` command: its help text and what it does with parsed arguments. Every command
 * returns its exit status; errors it throws are printed as one line by the runner.
 */
export interface Command {
  readonly name: string
  readonly summary: string
  /** The synopsis lines of `--help`. */
  readonly usage: readonly string[]
  /** Option lines of `--help`: [flag, description]. */
  readonly optionHelp: readonly (readonly [string, string])[]
  readonly examples: readonly string[]
  readonly options: OptionSpecs
  /** Hands the arguments over untouched (a command that runs another program with them). */
  readonly rawArgs?: boolean
  /** Whether the command needs a database connection (it then takes the connection options). */
  readonly connects: boolean
  run(args: readonly string[], flags: Flags, io: CliIo): Promise<number>
}

/** A flag's string value (the last when repeated). */
export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name]
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined
  return typeof v === 'string' ? v : undefined
}

/** A repeated flag's values. */
export function list(flags: Flags, name: string): string[] {
  const v = flags[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

export function bool(flags: Flags, name: string): boolean {
  return flags[name] === true
}
