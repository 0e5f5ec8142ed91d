// The baseline of the CLI benchmark: a user's script reading every row with streamResults, from the
// built @redshift-kit/client (as the CLI runs from the built packages).
import { createClient, RedshiftConfig } from '@redshift-kit/client'

const [url, sql] = process.argv.slice(2)
const client = createClient(RedshiftConfig.fromUrl(url))
const stream = await client.streamResults(sql)
let count = 0
for await (const batch of stream.batches()) count += batch.length
await client.close()
process.stdout.write(`${count}\n`)
