import { emitKeypressEvents } from 'node:readline'
import { QueryId, type RedshiftClient } from '@redshift-kit/client'
import { bool, type Command, str } from '../command.js'
import { connectWith } from '../connection.js'
import { parseDuration } from '../duration.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { type CliIo, type Painter, painter } from '../io.js'
import { openOutput } from '../output/choose-sink.js'
import { writeRecords } from '../output/records.js'
import { TableSink } from '../output/table-sink.js'

const QUEUE_COLUMNS = [
  ['name', 'queue'],
  ['serviceClass', 'class'],
  ['slots', 'slots'],
  ['running', 'running'],
  ['queued', 'queued'],
  ['maxExecutionTimeMs', 'max exec ms'],
  ['queryGroups', 'query groups'],
  ['userGroups', 'user groups'],
] as const

const RUNNING_COLUMNS = [
  ['n', '#'],
  ['queryId', 'query id'],
  ['pid', 'pid'],
  ['user', 'user'],
  ['queue', 'queue'],
  ['state', 'state'],
  ['elapsed', 'elapsed'],
  ['label', 'label'],
  ['queryText', 'query'],
] as const

function seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)}s`
    : `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`
}

async function snapshot(client: RedshiftClient) {
  const [queues, running] = await Promise.all([client.getQueueState(), client.getRunningQueries()])
  return {
    queues: queues.map((q) => ({
      ...q,
      queryGroups: q.queryGroups.join(','),
      userGroups: q.userGroups.join(','),
    })),
    running: running.map((r, i) => ({ ...r, n: i + 1, elapsed: seconds(r.elapsedMs) })),
  }
}

/** Draws one screen of the live view into a string (queues, then the running queries, numbered). */
async function screen(client: RedshiftClient, paint: Painter, status: string) {
  const { queues, running } = await snapshot(client)
  let text = ''
  const capture = async (
    title: string,
    columns: Parameters<typeof writeRecords>[1],
    records: readonly object[],
  ) => {
    const chunks: string[] = []
    const writable = { write: (c: string) => chunks.push(c) > 0, once: () => undefined, off: () => undefined }
    await writeRecords(new TableSink(writable as never, paint), columns, records)
    text += `${paint.bold(title)}\n${chunks.join('')}\n`
  }
  await capture('WLM queues', QUEUE_COLUMNS, queues)
  await capture('Running and queued queries', RUNNING_COLUMNS, running)
  text += paint.dim(status)
  return { text, running }
}

/** The live view: redraws every `intervalMs`; 1-9 picks a query to cancel (confirmed with y), q quits. */
async function live(client: RedshiftClient, io: CliIo, intervalMs: number): Promise<number> {
  const paint = painter(io.stdout, io.env)
  const stdin = io.stdin as NodeJS.ReadStream
  emitKeypressEvents(stdin)
  stdin.setRawMode?.(true)
  stdin.resume()
  let status = `refresh every ${seconds(intervalMs)} · 1-9 cancel that query · q quit`
  let pending: { queryId: string; pid: number } | undefined
  let listed: Awaited<ReturnType<typeof screen>>['running'] = []
  let redraw: () => void = () => undefined
  const done = new Promise<void>((resolve) => {
    const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
      if (key?.name === 'q' || (key?.ctrl && key.name === 'c')) {
        stdin.off('keypress', onKey)
        resolve()
        return
      }
      if (pending && str === 'y') {
        const target = pending
        pending = undefined
        status = `cancelling query ${target.queryId}...`
        redraw()
        void client.cancelQuery(QueryId.new(target.queryId)).then(
          (o) => {
            status = o.message
            redraw()
          },
          (e: Error) => {
            status = `cancel failed: ${e.message}`
            redraw()
          },
        )
        return
      }
      pending = undefined
      const n = str !== undefined && /^[1-9]$/.test(str) ? Number(str) : 0
      const row = listed[n - 1]
      if (row) {
        pending = { queryId: row.queryId, pid: row.pid }
        status = `cancel query ${row.queryId} (pid ${row.pid})? y to confirm, any other key to keep it`
        redraw()
      }
    }
    stdin.on('keypress', onKey)
    io.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  let drawing = false
  redraw = () => {
    if (drawing) return
    drawing = true
    void screen(client, paint, status)
      .then(({ text, running }) => {
        listed = running
        io.stdout.write(`\x1b[H\x1b[2J${text}\n`)
      })
      .catch((e: Error) => {
        status = `refresh failed: ${e.message}`
      })
      .finally(() => {
        drawing = false
      })
  }
  redraw()
  const timer = setInterval(redraw, intervalMs)
  await done
  clearInterval(timer)
  stdin.setRawMode?.(false)
  stdin.pause()
  io.stdout.write('\n')
  return EXIT.ok
}

/** `redshift-kit wlm`: WLM queues and what runs in them, once or live. */
export const wlmCommand: Command = {
  name: 'wlm',
  summary: 'show WLM queues and running queries, once or as a live view with cancel',
  usage: [
    'redshift-kit wlm [--queues | --running] [--format table|csv|tsv|jsonl]',
    'redshift-kit wlm --watch [2s]',
  ],
  optionHelp: [
    ['--queues / --running', 'only the queues, or only the running and queued queries'],
    ['--format FORMAT', 'table (default on a terminal), csv, tsv, jsonl (with --queues or --running)'],
    [
      '--watch [INTERVAL]',
      'a live view refreshed every 2s (or INTERVAL); keys 1-9 cancel a query (y confirms), q quits',
    ],
  ],
  examples: ['redshift-kit wlm', 'redshift-kit wlm --running --format jsonl', 'redshift-kit wlm --watch 1s'],
  options: {
    queues: { type: 'boolean' },
    running: { type: 'boolean' },
    format: { type: 'string' },
    watch: { type: 'boolean' },
  },
  connects: true,
  async run(args, flags, io) {
    const connection = await connectWith(flags, io)
    try {
      if (bool(flags, 'watch')) {
        if (io.stdout.isTTY !== true || io.stdin.isTTY !== true)
          throw new UsageError('--watch is a live view for a terminal; without it, wlm prints once')
        return await live(connection.client, io, parseDuration(args[0] ?? '2s', '--watch'))
      }
      const onlyQueues = bool(flags, 'queues')
      const onlyRunning = bool(flags, 'running')
      const format = str(flags, 'format')
      if (format !== undefined && format !== 'table' && onlyQueues === onlyRunning)
        throw new UsageError('--format other than table needs --queues or --running (one table per output)')
      const { queues, running } = await snapshot(connection.client)
      const paint = painter(io.stdout, io.env)
      if (!onlyRunning) {
        if (!onlyQueues) io.stdout.write(`${paint.bold('WLM queues')}\n`)
        const out = await openOutput(format ?? (onlyQueues ? undefined : 'table'), undefined, io)
        await writeRecords(out.sink, QUEUE_COLUMNS, queues)
      }
      if (!onlyQueues) {
        if (!onlyRunning) io.stdout.write(`\n${paint.bold('Running and queued queries')}\n`)
        const out = await openOutput(format ?? (onlyRunning ? undefined : 'table'), undefined, io)
        await writeRecords(out.sink, RUNNING_COLUMNS, running)
      }
      return EXIT.ok
    } finally {
      await connection.close()
    }
  },
}
