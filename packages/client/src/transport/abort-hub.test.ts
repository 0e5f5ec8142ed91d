import { describe, expect, it } from 'vitest'
import { linkedSignal, onAbort } from './abort-hub.js'

describe('abort hub', () => {
  it('calls every listener once on abort, not the ones that stopped', () => {
    const controller = new AbortController()
    const calls: string[] = []
    onAbort(controller.signal, () => calls.push('a'))
    const stopB = onAbort(controller.signal, () => calls.push('b'))
    const same = () => calls.push('c')
    onAbort(controller.signal, same)
    onAbort(controller.signal, same)
    stopB()
    stopB()
    controller.abort()
    controller.abort()
    expect(calls).toEqual(['a', 'c', 'c'])
  })

  it('never calls a listener added after the abort, as addEventListener does not', async () => {
    const controller = new AbortController()
    controller.abort()
    const calls: string[] = []
    const stop = onAbort(controller.signal, () => calls.push('late'))
    await new Promise((resolve) => setImmediate(resolve))
    stop()
    expect(calls).toEqual([])
  })

  it('puts one listener on a signal however many calls listen, so Node does not warn', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const controller = new AbortController()
      const stops = Array.from({ length: 50 }, () => onAbort(controller.signal, () => undefined))
      const linked = Array.from({ length: 50 }, () => linkedSignal(controller.signal))
      controller.abort(new Error('shutting down'))
      expect(
        linked.every((l) => l.signal?.aborted && (l.signal.reason as Error).message === 'shutting down'),
      ).toBe(true)
      for (const stop of stops) stop()
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('a released linked signal no longer follows its parent', () => {
    const controller = new AbortController()
    const linked = linkedSignal(controller.signal)
    linked.release()
    controller.abort()
    expect(linked.signal?.aborted).toBe(false)
  })
})
