import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'

const root = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url))

/** What a Lambda handler using only the Data API loads at start-up, bundled as users bundle it. */
export interface LambdaBundle {
  /** Source files in the chunks loaded at start-up (static imports from the handler). */
  readonly startupInputs: readonly string[]
  /** Bytes of those chunks. */
  readonly startupBytes: number
  /** Bytes of every chunk, the lazily imported ones (wire, pg, ...) included. */
  readonly totalBytes: number
}

/**
 * Bundles a Data API Lambda handler with esbuild (ESM, code splitting, minified, the AWS SDK
 * external as the Lambda Node.js runtime provides it) and reports what its start-up loads.
 */
export async function bundleLambdaHandler(): Promise<LambdaBundle> {
  const handler = `
    import { createClient, RedshiftConfig } from '@redshift-kit/client'
    const client = createClient(RedshiftConfig.builder().withDataApi({ workgroupName: 'analytics', database: 'dev' }).build())
    export const handler = async () => (await client.executeQuery('SELECT 1')).rows.length
  `
  const result = await build({
    stdin: { contents: handler, resolveDir: root('.'), loader: 'ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    write: false,
    outdir: '/lambda-bundle',
    metafile: true,
    logLevel: 'silent',
    external: ['@aws-sdk/*', '@opentelemetry/*', '@electric-sql/*', 'vitest'],
    alias: {
      '@redshift-kit/client': root('packages/client/src/index.ts'),
      '@redshift-kit/dialect': root('packages/dialect/src/index.ts'),
    },
  })
  const meta: Metafile = result.metafile
  const entry = Object.entries(meta.outputs).find(([, o]) => o.entryPoint !== undefined)
  if (entry === undefined) throw new Error('esbuild produced no entry chunk')
  const startup = new Set<string>()
  const visit = (path: string): void => {
    if (startup.has(path)) return
    startup.add(path)
    for (const i of meta.outputs[path]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path)
  }
  visit(entry[0])
  const startupInputs = [...startup].flatMap((p) => Object.keys(meta.outputs[p]?.inputs ?? {}))
  const bytes = (paths: Iterable<string>) => [...paths].reduce((n, p) => n + (meta.outputs[p]?.bytes ?? 0), 0)
  return { startupInputs, startupBytes: bytes(startup), totalBytes: bytes(Object.keys(meta.outputs)) }
}
