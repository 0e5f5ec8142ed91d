import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The type check (`npm run typecheck`) as one test of the run, so that it overlaps with the
 * integration tests, which spend most of their time waiting on servers, instead of running before
 * them: on two cores that is about half a minute of `npm test`.
 */
it('the whole repository type-checks (tsc -p tsconfig.json)', async () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))
  const output = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      [tsc, '-p', 'tsconfig.json'],
      { cwd: root, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve(error ? `${stdout}${stderr}` || String(error) : ''),
    )
  })
  expect(output).toBe('')
}, 240_000)
