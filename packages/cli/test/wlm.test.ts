import { describe, expect, it } from 'vitest'
import { runCli, sharedServer } from './run-cli.js'

const { url, admin } = sharedServer()
const slow = { timeout: 90_000 }
const ESC = String.fromCharCode(27)

describe.concurrent('redshift-kit wlm', () => {
  it('prints the queues and the running queries once, or one table as JSON lines', slow, async () => {
    const r = await runCli(['wlm', '--url', url])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('WLM queues')
    expect(r.stdout).toMatch(/^ etl +\|/m)
    expect(r.stdout).toContain('Running and queued queries')
    const queues = await runCli(['wlm', '--queues', '--format', 'jsonl', '--url', url])
    const names = queues.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { queue: string }).queue)
    expect(names).toContain('etl')
    const bad = await runCli(['wlm', '--format', 'csv', '--url', url])
    expect(bad.code).toBe(2)
  })

  it('the live view refreshes on a terminal and cancels the query picked from the list', slow, async () => {
    const victim = await admin()
    const running = victim.query('select pg_sleep(40) as wlm_victim').then(
      () => 'finished',
      (e: Error) => e.message,
    )
    let sent = false
    const r = await runCli(['wlm', '--watch', '500ms', '--url', url], {
      tty: true,
      onSpawn: (child, output) => {
        const timer = setInterval(() => {
          const screen = output().split('\x1b[H\x1b[2J').pop() ?? ''
          const line = screen.split('\n').find((l) => l.includes('wlm_victim'))
          const n = line
            ? /^\s*(\d)\s*\|/.exec(line.replaceAll(ESC, '').replace(/\[[0-9;]*m/g, ''))?.[1]
            : undefined
          if (!sent && n) {
            sent = true
            child.stdin?.write(n)
            setTimeout(() => child.stdin?.write('y'), 300)
          }
          if (sent && /cancelled|Cancel request sent|cancel/i.test(screen.split('\n').slice(-2).join(' '))) {
            clearInterval(timer)
            setTimeout(() => child.stdin?.write('q'), 300)
          }
        }, 100)
      },
    })
    expect(sent).toBe(true)
    expect(r.code).toBe(0)
    expect(await running).toMatch(/cancel/i)
    await victim.end()
  })
})
