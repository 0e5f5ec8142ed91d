/** A statement on its way through the gateway: translated (Prepared), then run (Execution). */
import type { GatewayCommand, TranslateContext, TranslatedStatement } from '@redshift-kit/dialect'
import {
  isControlStatement,
  opensTransactionBlock,
  rewriteVersionCall,
  tokenize,
} from '@redshift-kit/dialect'
import type { SlotRelease, SlotWait, WlmQueue } from '../../wlm/index.js'
import type { Dialect } from '../dialect-seam.js'
import type { GatewayNotice } from '../protocol/backend.js'
import type { QueryRecord } from '../query-log.js'

/** A statement translated for the engine (a Parse, or one statement of a simple Query). */
export interface Prepared {
  /** As the client wrote it. */
  readonly original: string
  /** Undefined for text the gateway passes through untranslated (several statements in one Parse). */
  readonly translation: TranslatedStatement | undefined
  /** What the engine runs. */
  readonly sql: string
  /** The error to answer instead of the engine's (the engine runs RAISE_SQL so its transaction state follows). */
  readonly raise: GatewayNotice | undefined
  /** Transaction control or a session setting: no WLM slot, not a "query" for pg_last_query_id(). */
  readonly control: boolean
  /** BEGIN / START TRANSACTION: opens an explicit transaction block. */
  readonly opensBlock: boolean
  /** COPY / UNLOAD / EXPLAIN the gateway runs itself. */
  readonly gatewayCommand: Extract<GatewayCommand, { type: 'copy' | 'unload' | 'explain' }> | undefined
}

/** A protocol portal the client bound, and the execution it left suspended (row-limited Execute). */
export interface PortalState {
  readonly prepared: Prepared | undefined
  active: Execution | undefined
  /**
   * The execution begun when the portal was bound, before its Execute: a statement reading system views
   * is logged (and the log flushed) before the engine takes its snapshot, which it does at Bind.
   */
  pending: Execution | undefined
  /** The Bind's parameter values, kept only for an EXPLAIN the gateway runs (`'binary'`: unreadable). */
  bindParameters?: (string | null)[] | 'binary'
}

/** One run of a statement, from its WLM queueing to its end. */
export interface Execution {
  readonly record: QueryRecord
  readonly prepared: Prepared | undefined
  /** The WLM queue it was routed to. */
  readonly queue: WlmQueue
  /** Becomes the session's pg_last_query_id() when it ends. */
  readonly counted: boolean
  /** Set when the portal is bound, for an execution begun at Parse (a system view read). */
  portal: PortalState | undefined
  release: SlotRelease | undefined
  wait: SlotWait | undefined
  /** WLM max execution time. */
  timer: NodeJS.Timeout | undefined
  /** The gateway's own error to show in place of the engine's. */
  raise: GatewayNotice | undefined
  /** Aborts the signal of a gateway command while it runs (cancel, timeouts, disconnection). */
  abort: ((reason: CommandAbort) => void) | undefined
  /** The engine started COPY TO STDOUT: its data is swallowed and the client gets an error. */
  copyOut: boolean
  /** The engine asked for COPY FROM STDIN data and was refused. */
  copyRefused: boolean
  /** Called once when the execution ends (the simple-query chain waits on it). */
  done: ((ok: boolean) => void) | undefined
  finished: boolean
  /** `pg_last_query_id()` as this statement sees it: the session's last counted statement sent before it. */
  readonly lastQueryIdBefore: number
}

/** Why a gateway command was stopped: a cancel (with `CANCEL pid 'message'`'s text) or a time limit. */
export interface CommandAbort {
  readonly message: string | undefined
}

/** SQL the engine runs in place of a statement the gateway refuses: it fails, as the statement must. */
export const RAISE_SQL =
  "DO $rk_gateway$BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'refused by the redshift-local gateway'; END$rk_gateway$"

/**
 * RAISE_SQL for a refused statement that takes parameters: the client's Bind supplies them, so the
 * engine's statement must declare as many (a DO block takes none, and Bind would fail with 08P01).
 */
function raiseSqlFor(text: string): string {
  let count = 0
  for (const token of tokenize(text)) {
    if (token.kind === 'param') count = Math.max(count, Number(token.text.slice(1)) || 0)
  }
  if (count === 0) return RAISE_SQL
  const params = Array.from({ length: count }, (_, i) => `$${i + 1}::text`).join(', ')
  return `SELECT rk_internal.refuse_statement() FROM (SELECT ${params}) AS params`
}

const COPY_UNAVAILABLE = 'COPY from S3 is not available yet in redshift-local'
const UNLOAD_UNAVAILABLE = 'UNLOAD to S3 is not available yet in redshift-local'

const refused = (code: string, message: string, hint?: string): GatewayNotice =>
  hint === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, hint }

/**
 * Translates one statement (the text of a Parse, or one statement of a simple Query). COPY and UNLOAD
 * fail with 0A000 unless a command executor runs them (`executorConfigured`).
 */
export function prepareStatement(
  dialect: Dialect,
  text: string,
  tctx: TranslateContext,
  executorConfigured = false,
): Prepared {
  const control = isControlStatement(text)
  const opensBlock = control && opensTransactionBlock(text)
  let translation: TranslatedStatement
  try {
    translation = dialect.translateStatement(text, tctx)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {
      original: text,
      translation: undefined,
      sql: raiseSqlFor(text),
      raise: refused('42601', message),
      control,
      opensBlock,
      gatewayCommand: undefined,
    }
  }
  const base = { original: text, translation, control, opensBlock }
  if (translation.error !== undefined) {
    const e = translation.error
    return {
      ...base,
      sql: raiseSqlFor(text),
      raise: refused(e.sqlState, e.message, e.hint),
      gatewayCommand: undefined,
    }
  }
  const command = translation.gatewayCommand
  if (command?.type === 'unsupported') {
    return {
      ...base,
      sql: raiseSqlFor(text),
      raise: refused('0A000', command.message),
      gatewayCommand: undefined,
    }
  }
  if (command?.type === 'explain') {
    // Bind and Describe go to a stand-in with the statement's parameters and EXPLAIN's one text column;
    // the gateway runs the command at Execute (an Execute forwarded to fail it fails in the engine).
    return { ...base, sql: explainStandIn(command.parameters), raise: undefined, gatewayCommand: command }
  }
  if (command !== undefined && executorConfigured) {
    // The engine parses a statement that fails if ever run: Bind and Describe of it work (NoData), and
    // only the gateway runs the command (an Execute forwarded to fail it makes the engine fail too).
    return { ...base, sql: RAISE_SQL, raise: undefined, gatewayCommand: command }
  }
  if (command !== undefined) {
    const message = command.type === 'copy' ? COPY_UNAVAILABLE : UNLOAD_UNAVAILABLE
    return { ...base, sql: raiseSqlFor(text), raise: refused('0A000', message), gatewayCommand: command }
  }
  return { ...base, sql: rewriteVersionCall(translation.sql), raise: undefined, gatewayCommand: undefined }
}

/**
 * What the engine parses for an EXPLAIN the gateway runs: it takes the same `$n` parameters, describes
 * as one text column `QUERY PLAN`, and fails when run (a volatile division by zero, not folded away).
 */
function explainStandIn(parameters: number): string {
  const params = Array.from({ length: parameters }, (_, i) => `$${i + 1}::text`).join(', ')
  const from = parameters === 0 ? '' : ` FROM (SELECT ${params}) AS rk_explain_parameters`
  return `SELECT (1 / (pg_catalog.random() * 0)::int)::text AS "QUERY PLAN"${from}`
}

/** Text passed to the engine as is (the engine reports its own error, e.g. several statements in a Parse). */
export function passThrough(text: string): Prepared {
  return {
    original: text,
    translation: undefined,
    sql: text,
    raise: undefined,
    control: false,
    opensBlock: false,
    gatewayCommand: undefined,
  }
}

/** Rows or count at the end of a CommandComplete tag ("INSERT 0 5" -> 5), 0 when none. */
export function rowsFromTag(tag: string): number {
  const space = tag.lastIndexOf(' ')
  if (space < 0) return 0
  const n = Number(tag.slice(space + 1))
  return Number.isFinite(n) ? n : 0
}
