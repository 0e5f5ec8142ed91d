import v8 from 'node:v8'

/**
 * The V8 garbage-collector heuristics the `redshift-kit` process runs with. An export streams
 * millions of short-lived rows: left alone, V8 grows the young generation to its maximum (two 16 MB
 * semi-spaces) under that allocation rate and lets old-generation garbage reach about three times
 * the live heap before collecting it, so a 10M-row CSV export peaked at ~145 MB of RSS for ~13 MB of
 * live objects. Keeping the young generation at its initial size (growth factor 1) and collecting the
 * old generation at 30 % growth keeps it near 80 MB at the same speed (docs/benchmarks.md, issue 18).
 *
 * Both flags are read at each collection's sizing decision, which is why setting them at start-up
 * works (the semi-space maximum itself is fixed once the heap exists). This is for the CLI's own
 * process only: a library must not change its host's heap settings.
 *
 * @example
 * tuneGcForStreaming() // first thing in bin.ts, before anything allocates
 */
export function tuneGcForStreaming(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1')
  v8.setFlagsFromString('--heap-growing-percent=30')
}
