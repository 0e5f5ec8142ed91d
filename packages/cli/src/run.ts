import { parseArgs } from 'node:util'
import { isRedshiftError, redactSecrets } from '@redshift-kit/client'
import type { Command } from './command.js'
import { cancelCommand } from './commands/cancel.js'
import { copyCommand } from './commands/copy.js'
import { explainCommand } from './commands/explain.js'
import { loadCommand } from './commands/load.js'
import { loadErrorsCommand } from './commands/load-errors.js'
import { localCommand } from './commands/local.js'
import { queryCommand } from './commands/query.js'
import { unloadCommand } from './commands/unload.js'
import { wlmCommand } from './commands/wlm.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS } from './connection.js'
import { EXIT, exitCodeFor, UsageError } from './exit-codes.js'
import { type CliIo, painter } from './io.js'

export const COMMANDS: readonly Command[] = [
  queryCommand,
  explainCommand,
  copyCommand,
  unloadCommand,
  loadCommand,
  loadErrorsCommand,
  wlmCommand,
  cancelCommand,
  localCommand,
]

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([a]) => a.length))
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n')
}

/** The top-level `--help`. */
export function mainHelp(): string {
  return [
    'redshift-kit: Amazon Redshift from the terminal',
    '',
    'Usage: redshift-kit <command> [options]',
    '',
    'Commands:',
    table(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Connection (every command but local): --url, --profile, or the REDSHIFT_* environment variables',
    '(REDSHIFT_URL, REDSHIFT_HOST, REDSHIFT_USER, REDSHIFT_PASSWORD, ...); --local for a local Redshift.',
    '',
    'Examples:',
    "  redshift-kit query 'select * from sales limit 10' --url redshift://awsuser:pw@host:5439/dev",
    '  redshift-kit query --file report.sql --format csv -o report.csv',
    "  redshift-kit explain 'select * from sales join users using (user_id)'",
    '',
    'Run `redshift-kit <command> --help` for a command. Exit status: 0 ok, 1 failed, 2 usage,',
    '3 connection, 4 timeout, 5 load errors, 130 cancelled.',
  ].join('\n')
}

/** A command's `--help`. */
export function commandHelp(command: Command): string {
  const options = [
    ...command.optionHelp,
    ...(command.connects ? CONNECTION_HELP : []),
    ['-v, --verbose', 'details of errors (the server fields, the cause)'] as const,
    ['-h, --help', 'this help'] as const,
  ]
  return [
    `redshift-kit ${command.name}: ${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((u) => `  ${u}`),
    '',
    'Options:',
    table(options),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n')
}

/** One clear line for an error (more with --verbose); never a secret. */
function describeError(err: unknown, verbose: boolean): string {
  if (err instanceof UsageError) return err.message
  if (!(err instanceof Error)) return String(err)
  let text = err.message
  if (isRedshiftError(err) && err.code === 'QUERY_CANCELLED') text = 'cancelled'
  if (verbose) {
    const details: string[] = []
    if (isRedshiftError(err)) {
      details.push(`code: ${err.code}${err.retryable ? ' (retryable)' : ''}`)
      if (err.sqlState) details.push(`sqlstate: ${err.sqlState}`)
    }
    let cause = err.cause
    while (cause instanceof Error) {
      details.push(`cause: ${cause.message}`)
      cause = cause.cause
    }
    if (details.length) text += `\n  ${details.join('\n  ')}`
  }
  return redactSecrets(text)
}

/**
 * Runs `redshift-kit` with `argv` (without `node` and the script) and returns the exit status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), io)
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const paint = painter(io.stderr, io.env)
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${mainHelp()}\n`)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version') {
    io.stdout.write('redshift-kit 0.1.0\n')
    return EXIT.ok
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    io.stderr.write(
      `${paint.red('error:')} unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`,
    )
    return EXIT.usage
  }
  let verbose = rest.includes('--verbose') || rest.includes('-v')
  try {
    if (command.rawArgs) return await command.run(rest, {}, io)
    const parsed = parseArgs({
      args: [...rest],
      options: {
        ...command.options,
        ...(command.connects ? CONNECTION_OPTIONS : {}),
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    })
    if (parsed.values.help) {
      io.stdout.write(`${commandHelp(command)}\n`)
      return EXIT.ok
    }
    verbose = parsed.values.verbose === true
    return await command.run(parsed.positionals, parsed.values, io)
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    const message =
      usage && !(err instanceof UsageError) ? (err as Error).message : describeError(err, verbose)
    io.stderr.write(
      `${paint.red('error:')} ${message}${usage ? `\n(see redshift-kit ${command.name} --help)` : ''}\n`,
    )
    return usage && !(err instanceof UsageError) ? EXIT.usage : exitCodeFor(err)
  }
}
