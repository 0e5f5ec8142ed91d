// Redshift SQL as data: the lexer, the statement splitter, Redshift-to-PostgreSQL translation, the
// COPY / UNLOAD parsers and the list of what Redshift refuses. Pure: no I/O, no engine.

export type { CopyOptions, CopyStatement, DataFormat, FixedWidthColumn, QualifiedName } from './copy-parse.js'
export { parseCopy } from './copy-parse.js'
export { CommandSyntaxError } from './copy-parse-scanner.js'
export { POSTGRES_DATE_PART_NAMES, REDSHIFT_DATE_PARTS } from './date-parts.js'
export { DATEPARTS_POSTGRES_LACKS } from './engine-sql/datetime-functions-sql.js'
export { REDSHIFT_FUNCTIONS_SQL } from './engine-sql/redshift-functions.js'
export { REDSHIFT_BUILD, REDSHIFT_VERSION_STRING } from './engine-sql/redshift-version.js'
export type { Token, TokenKind } from './lexer.js'
export { isSignificant, quoteIdentifier, quoteLiteral, stringValue, tokenize } from './lexer.js'
export { engineSettingName } from './session-settings.js'
export { splitStatements } from './split.js'
export { TokenStream } from './token-stream.js'
export { isControlStatement, leadingKeyword, opensTransactionBlock } from './transaction-control.js'
export { isSystemRelationName, translateStatement } from './translate.js'
export type {
  GatewayCommand,
  LeaderOnlyStatement,
  QueryType,
  RedshiftSessionSetting,
  ResponseOverride,
  StatementEffect,
  StatementError,
  TableAttributeChange,
  TableAttributes,
  TranslateContext,
  TranslatedStatement,
} from './translation.js'
export { REDSHIFT_SESSION_SETTINGS, REDSHIFT_SETTING_DEFAULTS, statementEffects } from './translation.js'
export type { UnloadStatement } from './unload-parse.js'
export { parseUnload } from './unload-parse.js'
export { REDSHIFT_UNSUPPORTED } from './unsupported.js'
export { rewriteVersionCall } from './version-rewrite.js'
export type { RoutableQueue, RoutingInput } from './wlm-routing.js'
export { matchesWildcard, routeToQueue } from './wlm-routing.js'
