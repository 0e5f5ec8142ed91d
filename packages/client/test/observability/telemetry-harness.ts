import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { Logger } from '../../src/observability/logger.js'

/** A metric reader that collects on demand. */
export class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** One log line as the client wrote it. */
export interface LogLine {
  readonly level: string
  readonly fields: Record<string, unknown>
  readonly message: string | undefined
}

/** A pino-shaped logger that keeps every line. */
export function capturingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields: { ...(fields as Record<string, unknown>) }, message })
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** The real OpenTelemetry SDK with in-memory exporters, and context propagation across awaits. */
export function otelSdk() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const reader = new OnDemandReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const contextManager = new AsyncLocalStorageContextManager().enable()
  context.setGlobalContextManager(contextManager)
  return {
    spans,
    tracerProvider,
    meterProvider,
    reader,
    /** Every data point of metric `name` whose attributes include `attrs`, as [attributes, value]. */
    async points(
      name: string,
      attrs: Record<string, unknown> = {},
    ): Promise<[Record<string, unknown>, unknown][]> {
      const { resourceMetrics } = await reader.collect()
      const out: [Record<string, unknown>, unknown][] = []
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue
          for (const p of metric.dataPoints) {
            if (Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
              out.push([p.attributes, p.value])
          }
        }
      }
      return out
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
      contextManager.disable()
      context.disable()
    },
  }
}
