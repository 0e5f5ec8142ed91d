import { inject } from 'vitest'
import { ObjectStore } from '../../../local/src/s3/index.js'

/**
 * The local S3 store of the shared test server, for integration tests to put input files in and read
 * output files back; `undefined` when the server has none.
 */
export function testObjectStore(): ObjectStore | undefined {
  const dir: string | undefined = inject('redshift').s3Dir
  return dir === undefined ? undefined : new ObjectStore(dir)
}

/** Why the S3 integration tests cannot run, or `''` when they can (goes into their names). */
export function s3Unavailable(store: ObjectStore | undefined): string {
  return store === undefined ? ' [skipped: the shared test server has no local S3 store]' : ''
}
