/** Caching, refresh before expiry, connection lifetime and login retries, against a local Redshift. */
import type { LocalRedshift } from '@redshift-kit/local'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { AuthenticationError } from '../../src/errors/index.js'
import type { Transaction } from '../../src/transaction/transaction.js'
import { awsOf, localBuilder, startLocalWithAws } from './local-aws.js'

let local: LocalRedshift
const clients: RedshiftClient[] = []
/** The AWS endpoint's log: one line per credentials call. */
const awsLog: string[] = []

/** How many credentials calls the endpoint answered for database login `login`. */
function callsFor(login: string): number {
  return awsLog.filter((line) => line.includes(`-> ${login} `)).length
}

/** An IAM client; its diagnostics are read once up front (that first read runs a query of its own). */
async function iamClient(dbUser: string, poolSize = 8): Promise<RedshiftClient> {
  const client = createClient(
    localBuilder(local)
      .clusterIdentifier('redshift-local')
      .withIamAuth({ dbUser })
      .poolSize(poolSize)
      .build(),
  )
  clients.push(client)
  await client.getDiagnostics()
  return client
}

async function fetches(client: RedshiftClient): Promise<number> {
  return (await client.getDiagnostics()).credentials?.fetches ?? -1
}

/** Opens `n` transactions at once (each holds a connection of its own) and checks each works. */
async function openTransactions(client: RedshiftClient, n: number): Promise<Transaction[]> {
  const txs = await Promise.all(Array.from({ length: n }, () => client.beginTransaction()))
  for (const tx of txs) expect((await tx.query('SELECT 1 AS one')).rows[0]?.get('one')).toBe(1)
  return txs
}

beforeAll(async () => {
  local = await startLocalWithAws((line) => {
    if (line.startsWith('[aws]')) awsLog.push(line)
  })
})
afterEach(() => {
  vi.useRealTimers()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await local?.stop()
})

describe('refresh before expiry', () => {
  it('concurrent new connections share one refresh, and no connection outlives its credentials', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const t0 = Date.now()
    const client = await iamClient('awsuser')
    expect(await fetches(client)).toBe(1)
    const first = (await client.getDiagnostics()).credentials
    expect(Date.parse(first?.expiresAt ?? '')).toBeGreaterThanOrEqual(t0 + 899_000)

    // 650 s later the 900 s password is inside its refresh margin (the last 300 s): eight
    // connections asked for at once (one idle, seven new) cost one GetClusterCredentials call.
    vi.setSystemTime(t0 + 650_000)
    const txs = await openTransactions(client, 8)
    expect(await fetches(client)).toBe(2)
    expect(client.getPoolStats()).toMatchObject({ total: 8, createdTotal: 8 })
    await Promise.all(txs.map((tx) => tx.commit()))

    // Past the first password's expiry: the one connection opened with it is retired, not reused.
    vi.setSystemTime(t0 + 901_000)
    const again = await openTransactions(client, 8)
    await Promise.all(again.map((tx) => tx.commit()))
    expect(client.getPoolStats()).toMatchObject({ destroyedTotal: 1, createdTotal: 9 })
    expect(await fetches(client)).toBe(2)
  })
})

describe('login retried once with fresh credentials', () => {
  it('an expired temporary password (28000) refreshes and retries', async () => {
    const client = await iamClient('analyst')
    const [held] = await openTransactions(client, 1)
    expect(await fetches(client)).toBe(1)
    // The endpoint ends the password early (a clock ahead of ours, a revoked session): the next
    // connection's login is refused, the provider fetches new credentials, the login is retried.
    expect(awsOf(local).expireCredentials('IAM:analyst')).toBe(1)
    const more = await openTransactions(client, client.getPoolStats().idle + 1)
    expect(await fetches(client)).toBe(2)
    await held?.commit()
    await Promise.all(more.map((tx) => tx.commit()))
    expect((await client.getDiagnostics()).recentErrors).toEqual([])
  })

  it('a login refused again after the refresh fails with AuthenticationError, after exactly one retry', async () => {
    // No database user `ghost` and no AutoCreate: credentials are issued, every login fails.
    const client = createClient(
      localBuilder(local).clusterIdentifier('redshift-local').withIamAuth({ dbUser: 'ghost' }).build(),
    )
    clients.push(client)
    const error = await client.executeQuery('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toMatch(/IAM:ghost/)
    expect(callsFor('IAM:ghost')).toBe(2)
  })

  it('a rotated secret is picked up: the refused login refetches the secret', async () => {
    const client = createClient(localBuilder(local).withSecretsManager('etl/loader').poolSize(4).build())
    clients.push(client)
    const [held] = await openTransactions(client, 1)
    expect((await client.getDiagnostics()).credentials).toMatchObject({
      method: 'secrets-manager',
      fetches: 1,
    })
    awsOf(local).rotateSecret('etl/loader')
    // Every idle connection is taken, so the last transaction needs a new one (a new login).
    const more = await openTransactions(client, client.getPoolStats().idle + 1)
    expect(await fetches(client)).toBe(2)
    // The session opened before the rotation is still good.
    expect((await held?.query('SELECT current_user AS u'))?.rows[0]?.get('u')).toBe('etl_loader')
    await held?.commit()
    await Promise.all(more.map((tx) => tx.commit()))
  })
})
