import type { TestProject } from 'vitest/node'
import { type LocalRedshift, startLocalRedshift } from '../packages/local/src/index.js'

/** What every integration test learns about the shared server (`inject('redshift')`). */
export interface SharedRedshift {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly caPath: string
  readonly caCert: string
  /** Superuser. */
  readonly admin: { readonly name: string; readonly password: string }
  /** A regular user in the `analysts` group. */
  readonly user: { readonly name: string; readonly password: string }
  /** The shared server's local S3 folder (`s3://bucket/key` is `<s3Dir>/bucket/key`). */
  readonly s3Dir: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    redshift: SharedRedshift
  }
}

export const TEST_WLM = [
  { name: 'etl', queryGroups: ['etl', 'load*'], slots: 2 },
  { name: 'analysts', userGroups: ['analysts'], slots: 3 },
  { name: 'short', queryGroups: ['short'], slots: 2, maxExecutionTimeMs: 1500 },
  { name: 'default', slots: 20 },
] as const

let server: LocalRedshift | undefined

/** One local Redshift per test run, shared by every integration test file. */
export async function setup(project: TestProject): Promise<void> {
  server = await startLocalRedshift({
    users: [
      { name: 'awsuser', password: 'Password1', superuser: true },
      { name: 'analyst', password: 'Analyst-pw1', groups: ['analysts'] },
    ],
    wlm: TEST_WLM.map((q) => ({
      ...q,
      ...('queryGroups' in q ? { queryGroups: [...q.queryGroups] } : {}),
      ...('userGroups' in q ? { userGroups: [...q.userGroups] } : {}),
    })),
  })
  const tls = server.tls
  if (!tls) throw new Error('the shared test server must have TLS on')
  project.provide('redshift', {
    host: server.wire.host,
    port: server.wire.port,
    database: server.database,
    caPath: tls.caPath,
    caCert: tls.caCert,
    admin: { name: 'awsuser', password: 'Password1' },
    user: { name: 'analyst', password: 'Analyst-pw1' },
    s3Dir: server.s3.dir,
  })
}

export async function teardown(): Promise<void> {
  await server?.stop()
}
