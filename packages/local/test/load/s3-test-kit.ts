/** What the COPY / UNLOAD tests share: a `pg` client to the shared local Redshift and its S3 store. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { ObjectStore } from '../../src/s3/index.js'

/** A valid IAM role ARN, as the AWS documentation's examples write it. */
export const IAM_ROLE = "IAM_ROLE 'arn:aws:iam::0123456789012:role/MyRedshiftRole'"

/** The shared server's object store (fixtures are written into it directly). */
export function sharedStore(): ObjectStore {
  return new ObjectStore(inject('redshift').s3Dir)
}

/** A bucket name of its own for one test file, so files never collide across files or runs. */
export function uniqueBucket(label: string): string {
  return `rk-${label}-${randomBytes(4).toString('hex')}`
}

/** A connected `pg` client, as the superuser or the regular user, collecting the notices it receives. */
export async function connect(
  as: 'admin' | 'user' = 'admin',
): Promise<{ client: pg.Client; notices: string[] }> {
  const r = inject('redshift')
  const who = as === 'admin' ? r.admin : r.user
  const client = new pg.Client({
    host: r.host,
    port: r.port,
    database: r.database,
    user: who.name,
    password: who.password,
  })
  const notices: string[] = []
  client.on('notice', (n) => notices.push(n.message ?? ''))
  await client.connect()
  return { client, notices }
}

/** A table name of its own for one test. */
export function uniqueTable(label: string): string {
  return `${label}_${randomBytes(3).toString('hex')}`
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<pg.DatabaseError> {
  try {
    await promise
  } catch (error) {
    return error as pg.DatabaseError
  }
  throw new Error('expected the statement to fail, but it succeeded')
}
