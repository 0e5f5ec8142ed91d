// The simulation kit of @redshift-kit/client (`@redshift-kit/client/simulation`): a mock client for
// tests without a database, and a recorder and replayer of real exchanges.

export type { RedshiftClientApi } from '../client-api.js'
export {
  type ExecutedQuery,
  type ExecutedQueryKind,
  type ExecutedQueryOutcome,
  type ExecutedQuerySource,
  MockAssertionError,
} from './executed-query.js'
export { InjectedResult } from './injected-result.js'
export { type SimulationMatcherResult, simulationMatchers } from './matchers.js'
export { defaultMockRedshiftConfig, type MockConfig } from './mock-config.js'
export { MockRedshiftClient } from './mock-redshift-client.js'
export type { MockCall, MockCopyResponse, MockResponse, MockUnloadResponse } from './mock-server.js'
export type { EncodedDeep, RecordedError } from './recording/error-codec.js'
export { QueryRecorder, type QueryRecorderOptions } from './recording/query-recorder.js'
export { QueryReplayer } from './recording/query-replayer.js'
export {
  type EncodedValue,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedColumn,
  type RecordedExchange,
  type RecordedOp,
  type RecordedResult,
  type RecordingFile,
  type RecordingRedaction,
} from './recording/recording-format.js'
export { redactLiterals } from './recording/recording-redaction.js'
export type { SqlPattern } from './sql-pattern.js'
export type { MockColumn, MockRow } from './table-spec.js'
