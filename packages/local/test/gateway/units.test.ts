import { isControlStatement, rewriteVersionCall } from '@redshift-kit/dialect'
import { describe, expect, test } from 'vitest'
import { md5Response, passwordMatches } from '../../src/gateway/auth.js'
import { shapeError } from '../../src/gateway/error-shaping.js'
import { Outbox } from '../../src/gateway/outbox.js'
import { buildNoticeFrame, parseNoticeFields } from '../../src/gateway/protocol/backend.js'
import { FrameReader } from '../../src/gateway/protocol/framing.js'
import { filterStartupParams } from '../../src/gateway/startup-params.js'
import {
  isGranted,
  matchesWildcard,
  resolveWlmQueues,
  routeStatement,
  SlotCountError,
  type SlotRelease,
  type SlotWait,
  WlmScheduler,
} from '../../src/wlm/index.js'

describe('wlm', () => {
  const queues = resolveWlmQueues([
    { name: 'etl', queryGroups: ['etl', 'load*'], slots: 2 },
    { name: 'analysts', userGroups: ['analy?ts'], slots: 3 },
    { name: 'default' },
  ])

  test('queues are numbered from 6 after the superuser queue, the default config has 50 slots', () => {
    expect(queues.map((q) => [q.serviceClass, q.name, q.slots])).toEqual([
      [5, 'Superuser queue', 1],
      [6, 'etl', 2],
      [7, 'analysts', 3],
      [8, 'default', 5],
    ])
    expect(resolveWlmQueues([]).map((q) => [q.serviceClass, q.name, q.slots])).toEqual([
      [5, 'Superuser queue', 1],
      [6, 'default', 50],
    ])
  })

  test('bad configurations are refused with the reason', () => {
    expect(() => resolveWlmQueues([{ name: 'a', slots: 0 }])).toThrow(/slots 0/)
    expect(() => resolveWlmQueues([{ name: 'a' }, { name: 'a' }])).toThrow(/used twice/)
    expect(() =>
      resolveWlmQueues([
        { name: 'a', slots: 30 },
        { name: 'b', slots: 30 },
      ]),
    ).toThrow(/at most 50/)
  })

  test('wildcards', () => {
    expect(matchesWildcard('load*', 'load_nightly')).toBe(true)
    expect(matchesWildcard('load*', 'reload')).toBe(false)
    expect(matchesWildcard('a?c', 'abc')).toBe(true)
    expect(matchesWildcard('*x*', 'abxcd')).toBe(true)
    expect(matchesWildcard('etl', 'etl2')).toBe(false)
  })

  test('routing: superuser queue, query group, user group, then the last queue', () => {
    const route = (queryGroup: string | undefined, userGroups: string[], superuser = false) =>
      routeStatement(queues, { queryGroup, userGroups, superuser }).serviceClass
    expect(route('superuser', [], true)).toBe(5)
    expect(route('superuser', [], false)).toBe(8)
    expect(route('load_x', ['analysts'])).toBe(6)
    expect(route(undefined, ['analysts'])).toBe(7)
    expect(route('other', ['nobody'])).toBe(8)
  })

  test('slots are handed out in arrival order and counted', async () => {
    const s = new WlmScheduler(queues)
    const etl = queues[1] as (typeof queues)[number]
    const a = s.acquire(etl, 1)
    const b = s.acquire(etl, 1)
    expect(isGranted(a) && isGranted(b)).toBe(true)
    const c = s.acquire(etl, 2) as SlotWait
    const d = s.acquire(etl, 1) as SlotWait
    expect(isGranted(c)).toBe(false)
    expect(s.counters().find((x) => x.serviceClass === 6)).toMatchObject({ queued: 2, executing: 2 })
    const order: string[] = []
    void c.promise.then((release) => {
      order.push('c')
      release()
    })
    void d.promise.then((release) => {
      order.push('d')
      release()
    })
    ;(a as SlotRelease)()
    await Promise.resolve()
    expect(order).toEqual([]) // c needs two slots: d waits behind it
    ;(b as SlotRelease)()
    await c.promise
    await d.promise
    await new Promise((r) => setImmediate(r))
    expect(order).toEqual(['c', 'd'])
    expect(s.counters().find((x) => x.serviceClass === 6)).toMatchObject({
      queued: 0,
      executing: 0,
      executed: 4,
    })
    expect(() => s.acquire(etl, 3)).toThrow(SlotCountError)
  })

  test('an abandoned wait leaves the queue', async () => {
    const s = new WlmScheduler(queues)
    const su = queues[0] as (typeof queues)[number]
    const held = s.acquire(su, 1) as SlotRelease
    const w = s.acquire(su, 1) as SlotWait
    w.abort(new Error('cancelled'))
    await expect(w.promise).rejects.toThrow('cancelled')
    expect(s.counters().find((x) => x.serviceClass === 5)).toMatchObject({ queued: 0, executing: 1 })
    held()
  })
})

describe('protocol pieces', () => {
  test('frames split across chunks are reassembled; whole ones are views of the chunk', () => {
    const r = new FrameReader()
    const msg = (type: string, body: string) => {
      const b = Buffer.alloc(5 + body.length)
      b.write(type, 0)
      b.writeUInt32BE(4 + body.length, 1)
      b.write(body, 5)
      return b
    }
    const all = Buffer.concat([msg('D', 'abc'), msg('C', 'SELECT 1\0'), msg('Z', 'I')])
    const first = r.push(all.subarray(0, 10))
    expect(first.map((f) => String.fromCharCode(f.type))).toEqual(['D'])
    expect(first[0]?.frame.buffer).toBe(all.buffer)
    const rest = r.push(all.subarray(10))
    expect(rest.map((f) => String.fromCharCode(f.type))).toEqual(['C', 'Z'])
    expect(() => new FrameReader().push(Buffer.from([0x44, 0, 0, 0, 1]))).toThrow(/invalid message length/)
  })

  test('adjacent frames are written as one slice; small pieces are joined into one write', () => {
    const written: Buffer[] = []
    const socket = {
      destroyed: false,
      cork() {},
      uncork() {},
      write(b: Buffer) {
        written.push(b)
        return true
      },
    }
    const big = Buffer.alloc(40_000, 0x61)
    const box = new Outbox()
    box.push(big.subarray(0, 10_000))
    box.pushRange(big, 10_000, 30_000)
    box.push(Buffer.alloc(20_000, 0x62))
    box.flushTo(socket as never)
    expect(written.map((b) => b.length)).toEqual([30_000, 20_000])
    // The merged slice is a view of the received chunk, not a copy.
    expect((written[0] as Buffer).buffer).toBe(big.buffer)

    written.length = 0
    const chunk = Buffer.from('0123456789')
    box.push(chunk.subarray(0, 3))
    box.push(chunk.subarray(3, 7))
    box.push(Buffer.from('xy'))
    box.flushTo(socket as never)
    expect(written.map((b) => b.toString())).toEqual(['0123456xy'])
    expect(box.empty).toBe(true)
  })

  test('MD5 password check (PostgreSQL algorithm) and cleartext', () => {
    const salt = Buffer.from([1, 2, 3, 4])
    const answer = md5Response('alice', 'secret', salt)
    expect(answer).toMatch(/^md5[0-9a-f]{32}$/)
    expect(passwordMatches('md5', answer, 'alice', 'secret', salt)).toBe(true)
    expect(passwordMatches('md5', answer, 'alice', 'wrong', salt)).toBe(false)
    expect(passwordMatches('cleartext', 'secret', 'alice', 'secret', salt)).toBe(true)
  })

  test('startup keys: Redshift-only and unknown keys are dropped, _pq_ options reported', () => {
    const r = filterStartupParams(
      new Map([
        ['user', 'u'],
        ['database', 'd'],
        ['client_protocol_version', '2'],
        ['DateStyle', 'ISO'],
        ['_pq_.compression', 'lz4'],
        ['made_up', 'x'],
      ]),
      new Set(['datestyle']),
    )
    expect([...r.engine.keys()]).toEqual(['user', 'database', 'DateStyle'])
    expect(r.protocolOptions).toEqual(['_pq_.compression'])
    expect(r.dropped).toEqual(['client_protocol_version', 'made_up'])
  })

  test('version() rewrites by token, never inside strings', () => {
    expect(rewriteVersionCall('select version()')).toBe('select rk_internal.redshift_version() AS version')
    expect(rewriteVersionCall('SELECT pg_catalog.VERSION() v')).toBe(
      'SELECT rk_internal.redshift_version() v',
    )
    expect(rewriteVersionCall('select 1, version() from t')).toBe(
      'select 1, rk_internal.redshift_version() AS version from t',
    )
    expect(rewriteVersionCall('select f(a, version())')).toBe('select f(a, rk_internal.redshift_version())')
    expect(rewriteVersionCall("select 'version()', t.version from t")).toBe(
      "select 'version()', t.version from t",
    )
    expect(rewriteVersionCall('select x.version() from t')).toBe('select x.version() from t')
  })

  test('control statements', () => {
    expect(isControlStatement('  -- c\n BEGIN')).toBe(true)
    expect(isControlStatement("/* x */ set query_group to 'a'")).toBe(true)
    expect(isControlStatement('select 1')).toBe(false)
    expect(isControlStatement('cancel 12')).toBe(true)
  })

  test('error shaping: 57014 and 40001 reworded, other fields kept', () => {
    const frame = (code: string, message: string) =>
      buildNoticeFrame([
        ['S', 'ERROR'],
        ['C', code],
        ['M', message],
        ['H', 'The transaction might succeed if retried.'],
        ['R', 'routine'],
      ])
    const ctx = { queryId: 1042, pid: 77, takeCancelMessage: () => undefined, xid: 9, otherXid: 8 }
    const cancelled = shapeError(frame('57014', 'canceling statement due to user request'), ctx)
    expect(cancelled).toMatchObject({ canceled: true, message: "Query (1042) cancelled on user's request" })
    expect(parseNoticeFields(cancelled.frame)).toContainEqual(['R', 'routine'])
    const custom = shapeError(frame('57014', 'x'), { ...ctx, takeCancelMessage: () => 'bye' })
    expect(custom.message).toBe('bye')
    const serial = parseNoticeFields(shapeError(frame('40001', 'could not serialize'), ctx).frame)
    expect(serial).toEqual([
      ['S', 'ERROR'],
      ['C', 'XX000'],
      ['M', '1023'],
      ['R', 'routine'],
      [
        'D',
        'Serializable isolation violation on table - 0, transactions forming the cycle are: 9, 8 (pid:77)',
      ],
    ])
    const other = frame('42P01', 'nope')
    expect(shapeError(other, ctx).frame).toBe(other)
  })
})
