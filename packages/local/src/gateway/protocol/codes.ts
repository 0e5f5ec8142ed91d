/** Message type bytes of the PostgreSQL v3 protocol the gateway looks at. */

/** Sent by the client. */
export const Frontend = {
  Bind: 0x42, // B
  Close: 0x43, // C
  Describe: 0x44, // D
  Execute: 0x45, // E
  Flush: 0x48, // H
  Parse: 0x50, // P
  Query: 0x51, // Q
  Sync: 0x53, // S
  Terminate: 0x58, // X
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  FunctionCall: 0x46, // F
  Password: 0x70, // p
} as const

/** Sent by the engine (and by the gateway in its place). */
export const Backend = {
  ParseComplete: 0x31, // 1
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  NotificationResponse: 0x41, // A
  CommandComplete: 0x43, // C
  DataRow: 0x44, // D
  ErrorResponse: 0x45, // E
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  EmptyQueryResponse: 0x49, // I
  BackendKeyData: 0x4b, // K
  NoticeResponse: 0x4e, // N
  Authentication: 0x52, // R
  ParameterStatus: 0x53, // S
  RowDescription: 0x54, // T
  FunctionCallResponse: 0x56, // V
  CopyBothResponse: 0x57, // W
  ReadyForQuery: 0x5a, // Z
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  NoData: 0x6e, // n
  PortalSuspended: 0x73, // s
  ParameterDescription: 0x74, // t
  NegotiateProtocolVersion: 0x76, // v
} as const

/** Codes of the untyped messages that open a connection. */
export const StartupCode = {
  Protocol3: 196608,
  SslRequest: 80877103,
  GssEncRequest: 80877104,
  CancelRequest: 80877102,
} as const
