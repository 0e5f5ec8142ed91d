import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The test command must fail when a test fails. It once exited 0: a dependency's exit hook, loaded by
 * the global setup that starts redshift-local, replaced vitest's exit code. Run vitest as `npm test`
 * does (same config, same global setup) on a deliberately failing test and check the exit status.
 */
it('vitest with the project config exits non-zero when a test fails', async () => {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)),
      'run',
      '--config',
      'vitest.config.ts',
      'test/self-check/deliberate-failure.test.ts',
    ],
    {
      cwd: root,
      env: { ...process.env, RK_SELF_CHECK_FAIL: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  expect(output).toContain('0 passed, 1 failed')
  expect(code, output).toBe(1)
}, 120_000)
