/** A Data API client against a local Redshift, and waiting for statements the way callers do. */
import {
  DescribeStatementCommand,
  type DescribeStatementResponse,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import type { LocalRedshift } from '../../src/index.js'

/** A client signed with the local key (or `credentials`). */
export function dataClient(
  local: LocalRedshift,
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): RedshiftDataClient {
  const aws = local.aws
  if (aws === undefined) throw new Error('the AWS endpoint is off')
  return new RedshiftDataClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: credentials ?? { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
    maxAttempts: 1,
  })
}

/** DescribeStatement until the statement is done (the server holds each call up to 30 s: no sleeps). */
export async function settled(client: RedshiftDataClient, id: string): Promise<DescribeStatementResponse> {
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id: id, WaitTimeSeconds: 30 }))
    if (d.Status === 'FINISHED' || d.Status === 'FAILED' || d.Status === 'ABORTED') return d
  }
}
