import { readFile } from 'node:fs/promises'
import { UsageError } from './exit-codes.js'
import type { CliIo } from './io.js'

async function readAll(stream: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The SQL of a command: the argument, `--file PATH`, or standard input (`-`, or no argument when stdin
 * is not a terminal).
 */
export async function readSql(arg: string | undefined, file: string | undefined, io: CliIo): Promise<string> {
  if (arg !== undefined && file !== undefined)
    throw new UsageError('give the SQL as an argument or with --file, not both')
  let sql: string
  if (file !== undefined) sql = await readFile(file, 'utf8')
  else if (arg === '-' || (arg === undefined && io.stdin.isTTY !== true)) sql = await readAll(io.stdin)
  else if (arg !== undefined) sql = arg
  else throw new UsageError('no SQL: give it as an argument, with --file PATH, or on standard input')
  if (sql.trim() === '') throw new UsageError('the SQL is empty')
  return sql
}
