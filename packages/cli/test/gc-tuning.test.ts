import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const tuning = fileURLToPath(new URL('../src/gc-tuning.ts', import.meta.url))

/** The young generation's size after a streaming-like allocation run, in a fresh process. */
function youngGenerationMb(tuned: boolean): Promise<number> {
  const script = `
    import v8 from 'node:v8'
    import { tuneGcForStreaming } from ${JSON.stringify(tuning)}
    if (${tuned}) tuneGcForStreaming()
    let inFlight = []
    for (let i = 0; i < 3e6; i++) { inFlight.push({ id: i, name: 'row-' + i }); if (inFlight.length > 50000) inFlight = [] }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    process.stdout.write(String(young.space_size / 2 ** 20))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script])
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(err))))
  })
}

it('the CLI keeps V8 young generation at its initial size under a streaming allocation rate', async () => {
  const [tuned, untuned] = await Promise.all([youngGenerationMb(true), youngGenerationMb(false)])
  // Untuned, V8 grows it to 2 x 16 MB; tuned, it stays at its start-up size.
  expect(untuned).toBeGreaterThanOrEqual(16)
  expect(tuned).toBeLessThanOrEqual(4)
})
