/** ListSessions: the caller's open sessions, as the service lists them. */
import type { AwsCall } from '../aws-context.js'
import type { JsonInput } from '../json-services.js'
import { epochSeconds } from '../wire-formats.js'
import { validationError } from './errors.js'
import { optionalBool, optionalEnum, optionalInt, optionalString, sessionId } from './inputs.js'
import { pageOf } from './paging.js'
import type { DataApiSession } from './sessions.js'

/** ListSessions (open sessions only: a closed one is forgotten). */
export function listSessions(sessions: readonly DataApiSession[], input: JsonInput, call: AwsCall): unknown {
  const id = sessionId(input)
  const status = optionalEnum(input, 'Status', ['AVAILABLE', 'BUSY', 'CLOSED'] as const)
  const cluster = optionalString(input, 'ClusterIdentifier')
  const workgroup = optionalString(input, 'WorkgroupName')
  const database = optionalString(input, 'Database')
  const roleLevel = optionalBool(input, 'RoleLevel') ?? true
  const max = optionalInt(input, 'MaxResults', 0, 100)
  if (id !== undefined && (status ?? cluster ?? workgroup ?? database) !== undefined) {
    throw validationError('With SessionId, leave out Status, ClusterIdentifier, WorkgroupName and Database.')
  }
  const mine = (s: DataApiSession): boolean =>
    roleLevel && call.principal.kind === 'assumed-role'
      ? s.principalArn.startsWith(call.principal.arn.slice(0, call.principal.arn.lastIndexOf('/') + 1))
      : s.principalArn === call.principal.arn
  const matching = sessions.filter((s) => {
    const state = s.busyWith === undefined ? 'AVAILABLE' : 'BUSY'
    return (
      mine(s) &&
      (id === undefined || s.id === id) &&
      (status === undefined || status === state) &&
      (cluster === undefined || s.target.clusterIdentifier === cluster) &&
      (workgroup === undefined || s.target.workgroupName === workgroup) &&
      (database === undefined || s.target.database === database)
    )
  })
  const scope = JSON.stringify(['ListSessions', id, status, cluster, workgroup, database, roleLevel])
  const { page, nextToken } = pageOf(matching, optionalString(input, 'NextToken'), max, 100, scope)
  return {
    Sessions: page.map((s) => ({
      SessionId: s.id,
      Status: s.busyWith === undefined ? 'AVAILABLE' : 'BUSY',
      CreatedAt: epochSeconds(s.createdAt),
      UpdatedAt: epochSeconds(s.updatedAt),
      Database: s.target.database,
      DbUser: s.target.dbUser,
      ...(s.target.clusterIdentifier === undefined
        ? { WorkgroupName: s.target.workgroupName }
        : { ClusterIdentifier: s.target.clusterIdentifier }),
      SessionAliveSeconds: s.keepAliveSeconds,
      ...(s.expiresAt === undefined ? {} : { SessionTtl: epochSeconds(s.expiresAt) }),
      ...(s.busyWith === undefined ? {} : { CurrentStatementId: s.busyWith }),
    })),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  }
}
