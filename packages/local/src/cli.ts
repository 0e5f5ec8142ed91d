#!/usr/bin/env node
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { LocalUser, WlmQueueConfig } from './gateway/index.js'
import { startLocalRedshift } from './local-redshift.js'

const HELP = `redshift-local: a local Amazon Redshift (PostgreSQL behind a Redshift wire gateway)

Usage: redshift-local [options]

  --host <addr>        interface to listen on (default 127.0.0.1)
  --port <n>           wire port (default 5439; 0 = any free port)
  --data-dir <dir>     keep the cluster in <dir> across restarts (default: temporary)
  --database <name>    database to create and serve (default dev)
  --user <u:p[:super]> a user (repeatable); default awsuser:Password1:super
  --wlm <file.json>    WLM queues: [{"name","queryGroups","userGroups","slots","maxExecutionTimeMs"}, ...]
  --s3-dir <dir>       local S3 store for COPY/UNLOAD, s3://bucket/key = <dir>/bucket/key (default: temporary)
  --aws-port <n>       port of the local AWS endpoint (default: any free port)
  --no-aws             no local AWS endpoint (IAM credentials, Secrets Manager, STS, Glue)
  --no-tls             refuse SSLRequest (default: TLS with a CA generated at start)
  --max-connections <n>  client connections at once, logged in or not (default 500)
  --auth-timeout <s>   seconds a connection may take to log in (default 30)
  --allow-insecure-defaults
                       listen on a non-loopback --host even with the published default
                       password or AWS access key (refused without it)
  --verbose            print the engine's and the gateway's log
  -h, --help           this text
`

function parseUser(spec: string): LocalUser {
  const [name, password, flag] = spec.split(':')
  if (!name || password === undefined || (flag !== undefined && flag !== 'super')) {
    throw new Error(`--user ${spec}: expected name:password or name:password:super`)
  }
  return { name, password, superuser: flag === 'super' }
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${text}: expected a whole number of at least 1`)
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      database: { type: 'string' },
      user: { type: 'string', multiple: true },
      wlm: { type: 'string' },
      's3-dir': { type: 'string' },
      'aws-port': { type: 'string' },
      'no-aws': { type: 'boolean' },
      'no-tls': { type: 'boolean' },
      'max-connections': { type: 'string' },
      'auth-timeout': { type: 'string' },
      'allow-insecure-defaults': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
  const port = values.port === undefined ? 5439 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port}: not a port number`)
  const limits = {
    ...(values['max-connections'] === undefined
      ? {}
      : { maxConnections: positiveInteger('--max-connections', values['max-connections']) }),
    ...(values['auth-timeout'] === undefined
      ? {}
      : { authenticationTimeoutMs: positiveInteger('--auth-timeout', values['auth-timeout']) * 1000 }),
  }
  const wlm = values.wlm ? (JSON.parse(await readFile(values.wlm, 'utf8')) as WlmQueueConfig[]) : undefined
  const redshift = await startLocalRedshift({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.database ? { database: values.database } : {}),
    ...(values.user ? { users: values.user.map(parseUser) } : {}),
    ...(wlm ? { wlm } : {}),
    ...(values['s3-dir'] ? { s3Dir: values['s3-dir'] } : {}),
    ...(values['no-aws']
      ? { aws: false as const }
      : values['aws-port']
        ? { aws: { port: Number(values['aws-port']) } }
        : {}),
    tls: !values['no-tls'],
    limits,
    ...(values['allow-insecure-defaults'] ? { allowInsecureDefaults: true } : {}),
    ...(values.verbose ? { onLog: (line: string) => process.stderr.write(`${line.trimEnd()}\n`) } : {}),
  })
  const { host, port: actualPort } = redshift.wire
  const user = redshift.users[0]
  const lines = [
    `redshift-local is listening on ${host}:${actualPort} (database ${redshift.database})`,
    '',
    // The URL carries the password; show its shape, not the secret.
    `  url:   ${redshift.url().replace(/:[^:@/]*@/, ':<password>@')}`,
    `  psql:  PGPASSWORD=<password> psql -h ${host} -p ${actualPort} -U ${user?.name} ${redshift.database}`,
    ...(redshift.tls ? [`  TLS CA: ${redshift.tls.caPath}`] : ['  TLS:   off']),
    `  S3:    ${redshift.s3.dir}${values['s3-dir'] ? '' : ' (temporary: removed on stop)'}`,
    ...(redshift.aws
      ? [
          `  AWS:   ${redshift.aws.endpoint} (region ${redshift.aws.region}; local-only access keys: see the README)`,
        ]
      : ['  AWS:   off']),
    `  data:  ${redshift.dataDir}${values['data-dir'] ? '' : ' (temporary: removed on stop)'}`,
    `  users: ${redshift.users.map((u) => `${u.name}${u.superuser ? ' (superuser)' : ''}`).join(', ')}`,
    '',
    'Press Ctrl+C to stop.',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal}: stopping redshift-local...\n`)
    redshift.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`)
        process.exit(1)
      },
    )
  }
  // The command owns its signals (the library installs none).
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGHUP', () => stop('SIGHUP'))
  watchParent(() => stop('parent process ended'))
}

/**
 * Calls `onOrphaned` once the process that started us is gone (`npx redshift-local` whose npx was
 * killed, a test runner that crashed): a server nobody can stop any more must stop itself.
 */
function watchParent(onOrphaned: () => void): void {
  const parent = process.ppid
  if (parent <= 1) return
  // An orphan is re-parented (to init or a subreaper), so its parent pid changes: that is the sign.
  // Probing the old pid with kill(pid, 0) is not: on a busy machine the pid can be reused at once.
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    onOrphaned()
  }, 500)
  timer.unref()
}

main().catch((err: unknown) => {
  process.stderr.write(`redshift-local: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
