import { CommandSyntaxError } from '@redshift-kit/dialect'
import { NoSuchKeyError, type ObjectInfo, type ObjectStore, parseS3Url } from '../s3/index.js'

/** A COPY's failure before loading (a missing prefix, a bad manifest): Redshift's XX000. */
function loadSetupError(message: string, hint?: string): CommandSyntaxError {
  return new CommandSyntaxError('XX000', message, hint)
}

/**
 * The files a COPY reads: every object whose key starts with the prefix, or the entries of a manifest
 * (DG `copy-parameters-data-source-s3`, "Using a manifest"): `url`, `mandatory` (a missing mandatory file
 * fails the load, a missing optional one is skipped) and `meta.content_length` (required for Parquet, and
 * checked against the object when given).
 */
export async function sourceFiles(
  store: ObjectStore,
  source: string,
  manifest: boolean,
  columnar: boolean,
): Promise<ObjectInfo[]> {
  const location = parseS3Url(source)
  if (!manifest) {
    const files = (await store.list(location.bucket, location.key)).filter(
      (f) => f.size > 0 || !f.key.endsWith('/'),
    )
    if (files.length === 0)
      throw loadSetupError(
        `The specified S3 prefix '${location.key}' does not exist`,
        `put objects under s3://${location.bucket}/${location.key} in the local store (LocalRedshift.s3.put)`,
      )
    return files
  }
  let text: string
  try {
    text = (await store.get(location.bucket, location.key)).toString('utf8')
  } catch (error) {
    if (error instanceof NoSuchKeyError)
      throw loadSetupError(`Problem reading manifest file - the specified key does not exist: ${source}`)
    throw error
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw loadSetupError(`Manifest file is not in correct json format: ${source}`)
  }
  const entries = (doc as { entries?: unknown } | null)?.entries
  if (!Array.isArray(entries))
    throw loadSetupError(
      `Manifest file is not in correct json format: ${source}`,
      'write {"entries": [{"url": "s3://..."}]}',
    )
  const out: ObjectInfo[] = []
  for (const entry of entries) {
    const e = entry as { url?: unknown; mandatory?: unknown; meta?: { content_length?: unknown } } | null
    if (typeof e?.url !== 'string')
      throw loadSetupError(
        `Manifest file is not in correct json format: ${source}`,
        'every entry needs a "url"',
      )
    const target = parseS3Url(e.url)
    const info = await store.stat(target.bucket, target.key)
    const length = e.meta?.content_length
    if (columnar && typeof length !== 'number')
      throw loadSetupError(`Manifest entry ${e.url} has no meta.content_length, which Parquet loads require`)
    if (info === undefined) {
      if (e.mandatory === true)
        throw loadSetupError(`Manifest file entry is mandatory but the file does not exist: ${e.url}`)
      continue
    }
    if (typeof length === 'number' && length !== info.size)
      throw loadSetupError(
        `Manifest entry ${e.url} says content_length ${length}, but the object has ${info.size} bytes`,
      )
    out.push(info)
  }
  return out
}
