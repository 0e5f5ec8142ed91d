export type { Token, TokenKind } from './lexer.js'
export { isSignificant, quoteLiteral, stringValue, tokenize } from './lexer.js'
export { engineSettingName } from './session-settings.js'
export { splitStatements } from './split.js'
export { isSystemRelationName, translateStatement } from './translate.js'
export type {
  GatewayCommand,
  LeaderOnlyStatement,
  QueryType,
  RedshiftSessionSetting,
  ResponseOverride,
  StatementEffect,
  StatementError,
  TableAttributes,
  TranslateContext,
  TranslatedStatement,
} from './translation.js'
export { REDSHIFT_SESSION_SETTINGS, statementEffects } from './translation.js'
export { REDSHIFT_UNSUPPORTED } from './unsupported.js'
