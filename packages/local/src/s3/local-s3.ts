import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type ObjectInfo, ObjectStore } from './object-store.js'

/**
 * The local S3 of a running local Redshift (`LocalRedshift.s3`): `s3://bucket/key` is the file
 * `<dir>/bucket/key`, which COPY reads and UNLOAD writes. Helpers for tests and examples.
 *
 * @example
 * await redshift.s3.put('mybucket', 'tickit/venue.txt', '1|Toyota Park|Bridgeview|IL|0\n')
 * // COPY venue FROM 's3://mybucket/tickit/venue.txt' IAM_ROLE default
 * const files = await redshift.s3.list('mybucket', 'unload/')
 */
export interface LocalS3 {
  /** The folder holding one sub-folder per bucket. */
  readonly dir: string
  /** Writes an object (creating its bucket), replacing any previous one. */
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>
  /** The objects whose key starts with `prefix`, sorted by key. */
  list(bucket: string, prefix?: string): Promise<ObjectInfo[]>
  /** The whole object; throws when there is none. */
  get(bucket: string, key: string): Promise<Buffer>
}

/** The store of a server, with what its stop must undo. */
export interface OpenedS3 {
  readonly store: ObjectStore
  readonly helper: LocalS3
  /** The folder when it is a temporary one (removed by `dispose()`). */
  readonly temporaryDir: string | undefined
  /** Removes the folder when it was a temporary one. */
  dispose(): Promise<void>
}

/** Opens the store in `dir` (created when missing), or in a temporary folder removed by `dispose()`. */
export async function openLocalS3(dir: string | undefined): Promise<OpenedS3> {
  const temporary = dir === undefined
  const root = temporary ? await mkdtemp(path.join(os.tmpdir(), 'redshift-local-s3-')) : path.resolve(dir)
  await mkdir(root, { recursive: true })
  const store = new ObjectStore(root)
  return {
    store,
    temporaryDir: temporary ? root : undefined,
    helper: {
      dir: store.dir,
      put: (bucket, key, body) => store.put(bucket, key, body),
      list: (bucket, prefix = '') => store.list(bucket, prefix),
      get: (bucket, key) => store.get(bucket, key),
    },
    dispose: async () => {
      if (temporary) await rm(root, { recursive: true, force: true })
    },
  }
}
