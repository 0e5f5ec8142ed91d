import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, sharedServer } from './run-cli.js'

const { shared } = sharedServer()
let dir: string
const slow = { timeout: 90_000 }

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rk-cli-profiles-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('connections', () => {
  it('reads a named profile whose password comes from an environment variable', slow, async () => {
    const file = path.join(dir, 'profiles.json')
    await writeFile(
      file,
      JSON.stringify({
        profiles: {
          shared: {
            host: shared.host,
            port: shared.port,
            database: shared.database,
            user: shared.admin.name,
            passwordEnv: 'SHARED_PW',
            sslMode: 'disable',
          },
          leaky: { host: 'x', password: 'nope' },
        },
      }),
    )
    const r = await runCli(['query', 'select 40 + 2 as answer', '--profile', 'shared'], {
      env: { REDSHIFT_KIT_CONFIG: file, SHARED_PW: shared.admin.password },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('answer\n42\n')
    const leaky = await runCli(['query', 'select 1', '--profile', 'leaky'], {
      env: { REDSHIFT_KIT_CONFIG: file },
    })
    expect(leaky.code).toBe(2)
    expect(leaky.stderr).toContain('keep secrets out of the file')
    const missing = await runCli(['query', 'select 1', '--profile', 'nope'], {
      env: { REDSHIFT_KIT_CONFIG: file },
    })
    expect(missing.stderr).toContain('(profiles: shared, leaky)')
  })

  it('reads a Data API profile: the query goes over the Redshift Data API, not the wire', slow, async () => {
    const file = path.join(dir, 'data-api-profiles.json')
    await writeFile(
      file,
      JSON.stringify({
        profiles: {
          lambda: {
            dataApi: { clusterIdentifier: 'redshift-local', dbUser: shared.admin.name },
            database: shared.database,
            region: shared.aws.region,
            awsEndpoint: shared.aws.endpoint,
          },
        },
      }),
    )
    const r = await runCli(['query', 'select 40 + 2 as answer', '--profile', 'lambda', '--format', 'csv'], {
      env: {
        REDSHIFT_KIT_CONFIG: file,
        AWS_ACCESS_KEY_ID: shared.aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: shared.aws.secretAccessKey,
      },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('answer\n42\n')
    // The profile names no host, so only the Data API could have run it; the server's history has it.
    const admin = await sharedServer().admin()
    try {
      const seen = await admin.query(
        "SELECT count(*)::int AS n FROM stl_query WHERE querytxt LIKE 'select 40 + 2 as answer%'",
      )
      expect(seen.rows[0]?.n).toBeGreaterThan(0)
    } finally {
      await admin.end()
    }
  })

  it('reads the REDSHIFT_* environment variables', slow, async () => {
    const r = await runCli(['query', 'select current_user as u'], {
      env: {
        REDSHIFT_HOST: shared.host,
        REDSHIFT_PORT: String(shared.port),
        REDSHIFT_DATABASE: shared.database,
        REDSHIFT_USER: shared.user.name,
        REDSHIFT_PASSWORD: shared.user.password,
        REDSHIFT_SSL_MODE: 'disable',
      },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`u\n${shared.user.name}\n`)
  })

  it('--local runs the command against a local Redshift started for it', slow, async () => {
    const r = await runCli(['query', "select 'local' as where_from", '--local'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('where_from\nlocal\n')
  })
})

describe('redshift-kit local', () => {
  it('starts redshift-local in the foreground and stops on SIGINT', slow, async () => {
    const r = await runCli(['local', '--port', '0', '--no-tls', '--no-aws'], {
      onSpawn: (child, output) => {
        const timer = setInterval(() => {
          if (output().includes('Press Ctrl+C')) {
            clearInterval(timer)
            child.kill('SIGINT')
          }
        }, 50)
      },
    })
    expect(r.stdout).toContain('redshift-local is listening on 127.0.0.1:')
    expect(r.code, r.stderr).toBe(0)
  })
})
