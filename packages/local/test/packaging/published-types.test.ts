import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const pkgDir = path.join(repo, 'packages/local')
const tsc = path.join(repo, 'node_modules/typescript/bin/tsc')
let scratch: string | undefined
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

/**
 * A consumer installs @redshift-kit/local and compiles with `skipLibCheck: false`, without @types/pg
 * (it never imports pg itself): the published declarations must hold up on their own. The consumer
 * sits in a temporary folder with no node_modules above it, so nothing of this repository leaks in.
 */
it('published declarations compile in an ESM and a .cts consumer without @types/pg (skipLibCheck: false)', async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'rk-consumer-'))
  const installed = path.join(scratch, 'node_modules/@redshift-kit/local')
  await mkdir(installed, { recursive: true })
  await writeFile(path.join(installed, 'package.json'), await readFile(path.join(pkgDir, 'package.json')))
  await run(process.execPath, [
    tsc,
    '-p',
    path.join(pkgDir, 'tsconfig.build.json'),
    '--emitDeclarationOnly',
    '--sourceMap',
    'false',
    '--outDir',
    path.join(installed, 'dist'),
  ])
  await mkdir(path.join(scratch, 'node_modules/@types'), { recursive: true })
  await symlink(path.join(repo, 'node_modules/@types/node'), path.join(scratch, 'node_modules/@types/node'))
  await writeFile(
    path.join(scratch, 'package.json'),
    '{ "name": "consumer", "type": "module", "private": true }\n',
  )
  await writeFile(
    path.join(scratch, 'main.ts'),
    [
      "import { type LocalRedshift, type LocalUser, startLocalRedshift } from '@redshift-kit/local'",
      "const users: LocalUser[] = [{ name: 'awsuser', password: 'Password1', superuser: true }]",
      'const redshift: LocalRedshift = await startLocalRedshift({ users })',
      'const url: string = redshift.url()',
      'console.log(url, redshift.wire.port)',
      'await redshift.stop()',
      '',
    ].join('\n'),
  )
  // The documented path for CommonJS: a dynamic import (the package is ESM only).
  await writeFile(
    path.join(scratch, 'legacy.cts'),
    [
      'async function main(): Promise<void> {',
      "  const { startLocalRedshift } = await import('@redshift-kit/local')",
      '  const redshift = await startLocalRedshift()',
      '  await redshift.stop()',
      '}',
      'void main()',
      '',
    ].join('\n'),
  )
  await writeFile(
    path.join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['main.ts', 'legacy.cts'],
    }),
  )
  const result = await run(process.execPath, [tsc, '-p', scratch]).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  )
  expect(result).toBe('')
}, 120_000)

it('source maps ship with the sources they point to', async () => {
  const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as { files: string[] }
  const build = JSON.parse(await readFile(path.join(pkgDir, 'tsconfig.build.json'), 'utf8')) as {
    compilerOptions: { sourceMap?: boolean }
  }
  // The base config emits maps unless the build turns them off; they name ../src/*.ts.
  if (build.compilerOptions.sourceMap !== false) expect(pkg.files).toContain('src')
  expect(pkg.files).toContain('dist')
})
