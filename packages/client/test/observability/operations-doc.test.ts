import { readFileSync } from 'node:fs'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { parser } from '@prometheus-io/lezer-promql'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { ClientTelemetry } from '../../src/observability/client-telemetry.js'
import { loadOtelApi } from '../../src/observability/otel-api.js'
import { poolStatsWith } from '../../src/transport/pool-stats.js'

const doc = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8')

/** The fenced block right after `<!-- marker -->`. */
function blockAfter(marker: string): string {
  const at = doc.indexOf(`<!-- ${marker} -->`)
  expect(at, `docs/operations.md has a <!-- ${marker} --> block`).toBeGreaterThan(0)
  const open = doc.indexOf('```', at)
  const start = doc.indexOf('\n', open) + 1
  return doc.slice(start, doc.indexOf('\n```', start))
}

/** What the client emits, as a Prometheus scrape shows it: one sample of every metric. */
async function scrape(): Promise<string> {
  const api = loadOtelApi()
  if (api === undefined) throw new Error('@opentelemetry/api is a dev dependency')
  const exporter = new PrometheusExporter({ preventServerStart: true })
  const meterProvider = new MeterProvider({ readers: [exporter] })
  const telemetry = new ClientTelemetry(
    api,
    { meterProvider },
    { host: 'h', port: 5439, database: 'dev', poolName: 'h:5439/dev' },
    () => ({
      pool: poolStatsWith({ max: 2 }),
      resilience: {
        retry: { maxRetries: 3, retries: 0, budgetRefusals: 0 },
        circuitBreaker: {
          endpoint: 'h:5439',
          state: 'closed',
          consecutiveFailures: 0,
          opens: 0,
          rejected: 0,
        },
        rateLimiter: { statementsPerSecond: 1, burst: 1, available: 1, waiting: 0, rejected: 0 },
        bulkhead: { maxConcurrent: 1, maxQueued: 0, active: 0, queued: 0, rejected: 0 },
      },
      credentials: {
        method: 'iam',
        source: 'GetClusterCredentials',
        user: 'u',
        expiresAt: null,
        fetchedAt: new Date().toISOString(),
        fetches: 1,
      },
    }),
  )
  for (const h of [telemetry.duration, telemetry.returnedRows, telemetry.waitTime, telemetry.createTime]) {
    h.record(1, { 'db.operation.name': 'COPY', 'error.type': 'X', 'db.response.status_code': '1' })
  }
  for (const c of Object.values(telemetry.counters)) {
    c.add(1, {
      'redshift.retry.reason': 'x',
      'redshift.policy': 'x',
      'error.type': 'X',
      'redshift.operation': 'q',
    })
  }
  const { resourceMetrics } = await exporter.collect()
  await meterProvider.shutdown()
  return new PrometheusSerializer().serialize(resourceMetrics)
}

/** Metric names and label names a PromQL expression uses; fails on a syntax error. */
function promql(expr: string): { metrics: string[]; labels: string[] } {
  const metrics: string[] = []
  const labels: string[] = []
  const errors: string[] = []
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`${node.from}: ${expr.slice(node.from, node.from + 20)}`)
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        metrics.push(expr.slice(node.from, node.to))
      }
      if (node.name === 'LabelName') labels.push(expr.slice(node.from, node.to))
    },
  })
  expect(errors, `PromQL syntax errors in ${expr}`).toEqual([])
  return { metrics, labels }
}

describe('docs/operations.md', async () => {
  const text = await scrape()
  const emitted = new Set([...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1] as string))
  const emittedLabels = new Set(
    [...text.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1] as string),
  )
  // Labels Prometheus itself adds or that PromQL defines.
  for (const l of ['le', 'job', 'instance']) emittedLabels.add(l)

  it('the scrape holds every metric of the client', () => {
    expect(emitted).toContain('db_client_operation_duration_bucket')
    expect(emitted).toContain('redshift_client_circuit_breaker_opens_total')
    expect(emitted.size).toBeGreaterThan(30)
  })

  it('has Prometheus alerting rules that parse, over metrics and labels the client emits', () => {
    const rules = parseYaml(blockAfter('prometheus-rules')) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: object }[] }[]
    }
    const all = rules.groups.flatMap((g) => g.rules)
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'RedshiftPoolSaturated',
        'RedshiftCircuitBreakerOpen',
        'RedshiftQueryTimeoutRate',
        'RedshiftCopyUnloadFailures',
      ]),
    )
    for (const rule of all) {
      expect(rule.alert).toMatch(/^[A-Za-z][A-Za-z0-9]*$/)
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/)
      const { metrics, labels } = promql(rule.expr)
      expect(metrics.length, rule.alert).toBeGreaterThan(0)
      for (const m of metrics) expect(emitted, `${rule.alert} uses ${m}`).toContain(m)
      for (const l of labels) expect(emittedLabels, `${rule.alert} uses label ${l}`).toContain(l)
    }
  })

  it('has a Grafana dashboard JSON whose every query parses and uses emitted metrics', () => {
    const dashboard = JSON.parse(blockAfter('grafana-dashboard')) as {
      title: string
      panels: {
        id: number
        title: string
        type: string
        gridPos: object
        targets: { refId: string; expr: string }[]
      }[]
    }
    expect(dashboard.title).toBeTruthy()
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)
    for (const panel of dashboard.panels) {
      expect(panel.gridPos, panel.title).toBeDefined()
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const target of panel.targets) {
        const { metrics, labels } = promql(target.expr)
        for (const m of metrics) expect(emitted, `${panel.title} uses ${m}`).toContain(m)
        for (const l of labels) expect(emittedLabels, `${panel.title} uses label ${l}`).toContain(l)
      }
    }
  })

  it('names only emitted metrics and labels in its text', () => {
    const named = [...doc.matchAll(/`((?:db_client|redshift_client)_[a-z0-9_]+)`/g)].map(
      (m) => m[1] as string,
    )
    expect(named.length).toBeGreaterThan(15)
    for (const name of named) {
      const candidates = [name, `${name}_bucket`, `${name}_total`]
      expect(
        candidates.some((c) => emitted.has(c)) || emittedLabels.has(name),
        `docs/operations.md names ${name}`,
      ).toBe(true)
    }
  })
})
