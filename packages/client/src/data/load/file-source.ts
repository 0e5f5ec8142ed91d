import { open } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ValidationError } from '../../errors/client-errors.js'

/** The formats `loadFile` reads. */
export type LoadFileFormat = 'csv' | 'json' | 'parquet'

/** A local file to load, as found on disk. */
export interface FileSource {
  readonly path: string
  readonly format: LoadFileFormat
  /** gzip-compressed CSV or JSON (`.gz`, or the gzip magic bytes). */
  readonly gzipped: boolean
  readonly bytes: number
}

const BY_EXTENSION: Readonly<Record<string, LoadFileFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  parquet: 'parquet',
  pq: 'parquet',
}

/** The path of `file`: a path, a `file:` URL, or a `URL`; other URLs are refused with what to do instead. */
export function filePath(file: string | URL): string {
  if (file instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    const url = file instanceof URL ? file : new URL(file)
    if (url.protocol === 'file:') return fileURLToPath(url)
    const hint =
      url.protocol === 's3:'
        ? 'a file already in S3 loads with copyFromS3 (CopyCommandBuilder.fromS3)'
        : 'download it first, or stream its rows into loadRows'
    throw new ValidationError(`loadFile reads local files; ${url.protocol} URLs are not read: ${hint}`, {
      problems: [{ field: 'file', message: 'a local path or file: URL' }],
    })
  }
  return file
}

/**
 * Opens `path` to learn its size, its compression (gzip magic bytes) and its format (the option, else
 * the extension, else Parquet's magic bytes); refuses what cannot load with a message saying why.
 */
export async function inspectFile(path: string, asked: LoadFileFormat | undefined): Promise<FileSource> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ValidationError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`,
      { problems: [{ field: 'file', message: code ?? 'unreadable' }] },
    )
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile())
      throw new ValidationError(`${path} is not a file`, {
        problems: [{ field: 'file', message: 'not a file' }],
      })
    const magic = Buffer.alloc(4)
    await handle.read(magic, 0, 4, 0)
    const gzipped = magic[0] === 0x1f && magic[1] === 0x8b
    const isParquet = magic.toString('latin1') === 'PAR1'
    const parts = path.toLowerCase().split('.')
    if (parts.at(-1) === 'gz') parts.pop()
    const ext = parts.length > 1 ? parts.at(-1) : undefined
    if (ext && ['bz2', 'zst', 'lzo', 'xz', 'zip', 'snappy'].includes(ext))
      throw new ValidationError(
        `${path}: .${ext} files are not read; decompress it, or give it gzip-compressed`,
        {
          problems: [{ field: 'file', message: `unsupported compression .${ext}` }],
        },
      )
    const format = asked ?? (isParquet ? 'parquet' : ext ? BY_EXTENSION[ext] : undefined)
    if (format === undefined)
      throw new ValidationError(
        `cannot tell the format of ${path} from its name: pass format: 'csv', 'json' or 'parquet'`,
        { problems: [{ field: 'format', message: 'unknown file extension' }] },
      )
    if (format === 'parquet' && !isParquet)
      throw new ValidationError(`${path} is not a Parquet file (it does not start with PAR1)`, {
        problems: [{ field: 'format', message: 'not Parquet' }],
      })
    return { path, format, gzipped: format !== 'parquet' && gzipped, bytes: stat.size }
  } finally {
    await handle.close()
  }
}

/** A Parquet file's columns (top-level names) and rows, read from its footer only. */
export async function parquetShape(
  path: string,
): Promise<{ columns: { name: string; type: string }[]; rows: number }> {
  const { parquetMetadataAsync, parquetSchema } = await import('hyparquet')
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const metadata = await parquetMetadataAsync({
      byteLength: size,
      async slice(start: number, end?: number) {
        const length = (end ?? size) - start
        const buffer = Buffer.alloc(length)
        await handle.read(buffer, 0, length, start)
        return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + length) as ArrayBuffer
      },
    })
    const tree = parquetSchema(metadata)
    return {
      columns: tree.children.map((c) => ({
        name: c.element.name,
        type: parquetSqlType(c.element, c.children.length > 0),
      })),
      rows: Number(metadata.num_rows),
    }
  } finally {
    await handle.close()
  }
}

interface ParquetElement {
  readonly type?: string
  readonly converted_type?: string
  readonly logical_type?: { readonly type: string; readonly unit?: string }
  readonly precision?: number
  readonly scale?: number
}

/** The Redshift type COPY loads a Parquet column into without loss (for `mode: 'create'`). */
function parquetSqlType(e: ParquetElement, nested: boolean): string {
  if (nested) return 'SUPER'
  const logical = e.logical_type?.type
  if (e.converted_type === 'DECIMAL' || logical === 'DECIMAL')
    return `DECIMAL(${e.precision ?? 38},${e.scale ?? 0})`
  if (e.converted_type === 'DATE' || logical === 'DATE') return 'DATE'
  if (e.converted_type?.startsWith('TIMESTAMP') || logical === 'TIMESTAMP' || e.type === 'INT96')
    return 'TIMESTAMP'
  if (e.converted_type === 'UTF8' || logical === 'STRING' || e.converted_type === 'JSON')
    return 'VARCHAR(65535)'
  switch (e.type) {
    case 'BOOLEAN':
      return 'BOOLEAN'
    case 'INT32':
      return e.converted_type === 'INT_16' || e.converted_type === 'INT_8' ? 'SMALLINT' : 'INTEGER'
    case 'INT64':
      return 'BIGINT'
    case 'FLOAT':
      return 'REAL'
    case 'DOUBLE':
      return 'DOUBLE PRECISION'
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return 'VARBYTE(1024000)'
    default:
      return 'VARCHAR(65535)'
  }
}
