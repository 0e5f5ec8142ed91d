import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NoSuchKeyError, ObjectStore, parseS3Url } from '../../src/s3/index.js'

let dir: string
let store: ObjectStore
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rk-s3-test-'))
  store = new ObjectStore(dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('ObjectStore', () => {
  it('maps s3://bucket/key to <dir>/bucket/key and reads back what it wrote', async () => {
    await store.put('my-bucket', 'data/2024/part-1.csv', 'a,b\n')
    expect((await store.get('my-bucket', 'data/2024/part-1.csv')).toString()).toBe('a,b\n')
    expect(store.path('my-bucket', 'data/2024/part-1.csv')).toBe(
      path.join(dir, 'my-bucket', 'data', '2024', 'part-1.csv'),
    )
  })

  it('lists by key prefix (files and "folders"), sorted, and nothing for a missing bucket', async () => {
    await store.put('list-bucket', 'venue_0001', '1')
    await store.put('list-bucket', 'venue_0000', '22')
    await store.put('list-bucket', 'venue/x', '333')
    await store.put('list-bucket', 'other', '4')
    const keys = (await store.list('list-bucket', 'venue')).map((o) => o.key)
    expect(keys).toEqual(['venue/x', 'venue_0000', 'venue_0001'])
    expect((await store.list('list-bucket', 'venue_')).map((o) => [o.key, o.size])).toEqual([
      ['venue_0000', 2],
      ['venue_0001', 1],
    ])
    expect(await store.list('no-such-bucket', '')).toEqual([])
  })

  it('deletes objects and the folders they leave empty', async () => {
    await store.put('del-bucket', 'a/b/c.txt', 'x')
    expect(await store.delete('del-bucket', 'a/b/c.txt')).toBe(true)
    expect(await store.delete('del-bucket', 'a/b/c.txt')).toBe(false)
    await store.put('del-bucket', 'a', 'now a file')
    expect((await store.get('del-bucket', 'a')).toString()).toBe('now a file')
  })

  it('refuses keys and buckets that do not fit a folder, with a clear error', async () => {
    await expect(store.put('ok-bucket', '../escape', 'x')).rejects.toThrow(/'\.\.' segment/)
    await expect(store.put('Bad_Bucket', 'k', 'x')).rejects.toThrow(/not a valid S3 bucket name/)
    await expect(store.get('ok-bucket', 'missing')).rejects.toBeInstanceOf(NoSuchKeyError)
    expect(() => parseS3Url('http://x/y')).toThrow(/not an S3 URL/)
    expect(parseS3Url('s3://mybucket/tickit/venue_')).toEqual({ bucket: 'mybucket', key: 'tickit/venue_' })
  })
})
