import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// Each test starts a Node process and an engine of its own: allow for a loaded machine.
const slow = { timeout: 90_000 }

import { postgresGone, runFixture } from './processes.js'

// The library must leave its host process alone: no exit hook, no signal handler, no exit code of its own.
// Concurrent: each test waits mostly on its own child's engine start-up, so running them together
// takes the time of the slowest rather than the sum.
describe.concurrent('a process that uses @redshift-kit/local keeps its exit code and signals', () => {
  it('exits with the exit code the user set (3) after start and stop', slow, async () => {
    const run = runFixture('exit-code.mts')
    const { code } = await run.exit
    expect(code, run.stderr()).toBe(3)
  })

  it('exits non-zero when the user script throws', slow, async () => {
    const run = runFixture('exit-code.mts', ['throw'])
    const { code } = await run.exit
    expect(code).not.toBe(0)
    expect(run.stderr()).toContain('the user script failed on purpose')
  })

  it("SIGINT reaches the user's own handler only, while the engine still serves", slow, async () => {
    const run = runFixture('own-sigint.mts')
    const socketDir = await run.line('READY ')
    run.child.kill('SIGINT')
    const { code, signal } = await run.exit
    expect(signal).toBeNull()
    expect(code, run.stderr()).toBe(7)
    expect(run.output()).toContain('HANDLED 42')
    expect(existsSync(path.dirname(socketDir))).toBe(false)
  })

  // A concurrent test must poll with its own context's expect.
  it(
    'a killed process (SIGKILL) still ends its engine and removes its temporary folders',
    slow,
    async ({ expect }) => {
      const run = runFixture('killed.mts')
      const [socketDir, s3Dir] = (await run.line('READY ')).split(' ') as [string, string]
      const root = path.dirname(socketDir)
      run.child.kill('SIGKILL')
      await run.exit
      await postgresGone(root)
      await expect.poll(() => existsSync(root) || existsSync(s3Dir), { timeout: 30_000 }).toBe(false)
    },
  )
})

describe('the redshift-local command', () => {
  it('stops its engine when its parent dies (as with a killed npx)', slow, async () => {
    const parent = runFixture('cli-parent.mts')
    const [pid, dataDir] = (await parent.line('CHILD ')).split(' ') as [string, string]
    parent.child.kill('SIGKILL')
    await parent.exit
    await postgresGone(dataDir)
    await expect.poll(() => existsSync(dataDir), { timeout: 30_000 }).toBe(false)
    await expect
      .poll(
        () => {
          try {
            process.kill(Number(pid), 0)
            return true
          } catch {
            return false
          }
        },
        { timeout: 30_000 },
      )
      .toBe(false)
  })
})
