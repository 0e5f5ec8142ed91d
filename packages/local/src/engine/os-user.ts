import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The OS account the PostgreSQL processes run as. */
export interface EngineOsUser {
  readonly name: string
  /** Set when we are root and PostgreSQL must run as another account (it refuses to run as root). */
  readonly ids?: { readonly uid: number; readonly gid: number } | undefined
}

async function lookup(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '')
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':')
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) }
  }
  return undefined
}

/**
 * The account for PostgreSQL: ourselves, or, as root, the `postgres` account (created when missing, as
 * a system user with no login shell). Asynchronous throughout: a server started inside a test process
 * must never block that process's event loop.
 */
export async function engineOsUser(): Promise<EngineOsUser> {
  if (process.getuid?.() !== 0) return { name: os.userInfo().username }
  let ids = await lookup('postgres')
  if (!ids) {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined)
      await run('useradd', ['--system', '-g', 'postgres', '-s', '/usr/sbin/nologin', '-M', 'postgres'])
    } catch (cause) {
      throw new Error(
        'PostgreSQL refuses to run as root and there is no `postgres` OS user; creating one failed: create it (`useradd --system postgres`) or run redshift-local as another user',
        { cause },
      )
    }
    ids = await lookup('postgres')
    if (!ids) throw new Error('the `postgres` OS user was created but cannot be found in /etc/passwd')
  }
  return { name: 'postgres', ids }
}
