import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import {
  CircuitOpenError,
  createClient,
  QueryBuilder,
  type RedshiftClient,
  RedshiftConfig,
  type RedshiftConfigBuilder,
} from '../packages/client/src/index.js'
import type { LocalRedshift } from '../packages/local/src/index.js'
import { alternate, type BenchReport, ms, percentile } from './harness.js'

// Many short alternating rounds: on a loaded machine, noise then falls on both contenders alike.
const ROUNDS = 1_000
const PER_ROUND = 4
const OPEN_BREAKER_CALLS = 20_000

/** An exporter that drops every span: the SDK still builds, samples and ends each one. */
const noopExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
}

class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

function builderFor(redshift: LocalRedshift): RedshiftConfigBuilder {
  const admin = redshift.users.find((u) => u.superuser) ?? redshift.users[0]
  if (!admin) throw new Error('the local Redshift has no user')
  return RedshiftConfig.builder()
    .endpoint(redshift.wire.host, redshift.wire.port, redshift.database)
    .withDatabaseAuth(admin.name, admin.password)
    .sslMode('disable')
    .poolSize(1)
}

async function p50Of(a: RedshiftClient, b: RedshiftClient): Promise<{ a: number; b: number }> {
  const query = new QueryBuilder('select $1').param(1).build()
  const run = (c: RedshiftClient) => () => c.executeQuery(query)
  await alternate(2, 300, run(a), run(b))
  const r = await alternate(ROUNDS, PER_ROUND, run(a), run(b))
  return { a: percentile(r.a, 50), b: percentile(r.b, 50) }
}

/**
 * Issue 12's targets: `executeQuery` with the OpenTelemetry SDK (spans and metrics, a span exporter
 * that drops them) and breaker, limiter and bulkhead on, against the same client with all of them
 * off; the client as it runs when `@opentelemetry/api` is absent (no telemetry step at all, default
 * breaker and retry) against all off; and how fast an open breaker answers.
 */
export async function observabilityBench(redshift: LocalRedshift): Promise<BenchReport> {
  const contextManager = new AsyncLocalStorageContextManager()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noopExporter)] })
  const meterProvider = new MeterProvider({ readers: [new CollectingReader()] })
  const allOff = createClient(
    builderFor(redshift).telemetry(false).circuitBreaker(false).maxRetries(0).build(),
  )
  const allOn = createClient(
    builderFor(redshift)
      .telemetry({ tracerProvider, meterProvider })
      .circuitBreaker({ threshold: 5, halfOpenAfterMs: 10_000 })
      .rateLimit({ statementsPerSecond: 1_000_000 })
      .bulkhead({ maxConcurrent: 100, maxQueued: 100 })
      .build(),
  )
  // What a client does when @opentelemetry/api cannot be loaded: no telemetry step, the default
  // breaker and retry policies (the same path as telemetry(false)).
  const apiAbsent = createClient(builderFor(redshift).telemetry(false).build())
  const openBreaker = createClient(
    RedshiftConfig.builder()
      .endpoint('127.0.0.1', 1, 'dev')
      .withDatabaseAuth('nobody', 'unused')
      .sslMode('disable')
      .maxRetries(0)
      .circuitBreaker({ threshold: 1, halfOpenAfterMs: 600_000 })
      .build(),
  )
  try {
    // Without the SDK's context manager first (an application without OpenTelemetry has none).
    const absent = await p50Of(apiAbsent, allOff)
    await openBreaker.executeQuery('SELECT 1').catch(() => undefined)
    const samples: number[] = []
    for (let i = 0; i < OPEN_BREAKER_CALLS; i++) {
      const t0 = performance.now()
      const e = await openBreaker.executeQuery('SELECT 1').catch((error: unknown) => error)
      samples.push(performance.now() - t0)
      if (!(e instanceof CircuitOpenError)) throw new Error('the breaker should be open')
    }
    samples.sort((x, y) => x - y)
    // Then with it, as an application running the SDK has (both contenders pay its async hooks).
    context.setGlobalContextManager(contextManager.enable())
    const on = await p50Of(allOn, allOff)
    const open50 = percentile(samples, 50)
    const open90 = percentile(samples, 90)
    const open99 = percentile(samples, 99)
    const onRatio = on.a / on.b
    const absentRatio = absent.a / absent.b
    return {
      title: 'Resilience and observability overhead',
      rows: [
        {
          measure: 'executeQuery p50: OTel SDK (spans + metrics) + breaker + limiter + bulkhead, vs all off',
          ours: ms(on.a),
          baseline: ms(on.b),
          ratio: onRatio,
          goal: '<= 1.05x',
          met: onRatio <= 1.05,
        },
        {
          measure: 'executeQuery p50: @opentelemetry/api absent (default breaker + retry), vs all off',
          ours: ms(absent.a),
          baseline: ms(absent.b),
          ratio: absentRatio,
          goal: 'no measurable cost (<= 1.02x)',
          met: absentRatio <= 1.02,
        },
        {
          measure: `open circuit breaker: executeQuery answers CircuitOpenError, p99 of ${OPEN_BREAKER_CALLS.toLocaleString('en-US')} calls`,
          ours: ms(open99),
          baseline: ms(0.1),
          ratio: open99 / 0.1,
          goal: '< 0.1 ms p99, no network',
          met: open99 < 0.1,
        },
      ],
      notes: [
        `${ROUNDS} alternating rounds of ${PER_ROUND} sequential \`select $1\` per contender, pool of 1, against redshift-local on this machine; p50 of each.`,
        'The SDK is the real @opentelemetry/sdk-trace-base (every span sampled, ended and handed to an exporter that drops it) and @opentelemetry/sdk-metrics (every instrument recording).',
        'With @opentelemetry/api absent the client adds no telemetry step (a unit test checks the loader returns nothing and no step is built); the row shows that path with the default policies.',
        `Open breaker: p50 ${ms(open50)}, p90 ${ms(open90)}, p99 ${ms(open99)}; no connection is attempted (the integration test checks the proxy accepts none).`,
        `The machine is shared by several agents (2 cores, load average ${os.loadavg()[0]?.toFixed(1)} during this run): figures are noisy, and tail latencies measure the scheduler more than the client.`,
      ],
    }
  } finally {
    await Promise.allSettled([allOff.close(), allOn.close(), apiAbsent.close(), openBreaker.close()])
    await tracerProvider.shutdown()
    await meterProvider.shutdown()
    contextManager.disable()
    context.disable()
  }
}
