import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { createClient, type RedshiftClient } from '../../src/client.js'
import { dataApiConfig } from './transports.js'

const example = new URL('../../../../examples/data-api-lambda.ts', import.meta.url)
let admin: RedshiftClient

beforeAll(async () => {
  admin = createClient(dataApiConfig().build())
  await admin.executeQuery('DROP TABLE IF EXISTS lambda_orders')
  await admin.executeQuery('CREATE TABLE lambda_orders (region VARCHAR(10), amount DECIMAL(10,2))')
  await admin.executeQuery("INSERT INTO lambda_orders VALUES ('west', 40.25), ('west', 2.25), ('east', 1)")
})
afterAll(async () => {
  await admin?.executeQuery('DROP TABLE IF EXISTS lambda_orders')
  await admin?.close()
})

it('the README shows the Lambda handler of examples/data-api-lambda.ts, word for word', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  expect(readme).toContain((await readFile(example, 'utf8')).trim())
})

it('the Lambda handler answers from the environment the README names, over the Data API', async () => {
  const s = inject('redshift')
  Object.assign(process.env, {
    REDSHIFT_TRANSPORT: 'data-api',
    REDSHIFT_CLUSTER_ID: 'redshift-local',
    REDSHIFT_DATABASE: s.database,
    REDSHIFT_USER: s.admin.name,
    AWS_REGION: s.aws.region,
    AWS_ENDPOINT_URL_REDSHIFT_DATA: s.aws.endpoint,
    AWS_ACCESS_KEY_ID: s.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.aws.secretAccessKey,
  })
  const { handler } = (await import(example.href)) as typeof import('../../../../examples/data-api-lambda.js')
  expect(await handler({ region: 'west' })).toEqual([{ region: 'west', total: '42.50' }])
  // The answer is what a Lambda returns: plain JSON.
  expect(JSON.parse(JSON.stringify(await handler({ region: 'east' })))).toEqual([
    { region: 'east', total: '1.00' },
  ])
})
