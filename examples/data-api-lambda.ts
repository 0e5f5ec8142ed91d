import { createClientFromEnv, QueryBuilder } from '@redshift-kit/client'

// Configured by the function's environment: REDSHIFT_TRANSPORT=data-api, REDSHIFT_WORKGROUP (or
// REDSHIFT_CLUSTER_ID), REDSHIFT_DATABASE, and REDSHIFT_SECRET_ID or REDSHIFT_USER (neither: the
// function's own IAM role). Region and keys come from the Lambda environment, as for any AWS SDK call.
const client = createClientFromEnv() // once per container: every invocation reuses it

export async function handler(event: { readonly region: string }) {
  const result = await client.executeQuery(
    new QueryBuilder(
      'SELECT region, SUM(amount) AS total FROM lambda_orders WHERE region = $1 GROUP BY region',
    )
      .param(event.region)
      .timeout(20_000)
      .build(),
  )
  return result.toObjects() // [{ region: 'west', total: '42.50' }]: DECIMAL stays an exact string
}
