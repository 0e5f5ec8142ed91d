import { describe, expect, it } from 'vitest'
import { bundleLambdaHandler } from './lambda-bundle.js'

describe('a client of the Data API only', () => {
  it('loads neither pg nor the wire transport at start-up (they are imported on first wire use)', async () => {
    const bundle = await bundleLambdaHandler()
    expect(bundle.startupInputs.some((p) => p.includes('transport/data-api/'))).toBe(true)
    expect(bundle.startupInputs.filter((p) => /node_modules\/pg(?:-[a-z-]+)?\//.test(p))).toEqual([])
    expect(bundle.startupInputs.filter((p) => p.includes('transport/wire/'))).toEqual([])
    // The lazily imported chunks (pg, the wire transport) are most of the rest.
    expect(bundle.startupBytes).toBeLessThan(bundle.totalBytes)
  })
})
