import { QueryId } from '@redshift-kit/client'
import { type Command, str } from '../command.js'
import { connectWith } from '../connection.js'
import { EXIT, UsageError } from '../exit-codes.js'

/** `redshift-kit cancel`: cancels a running query by query id or by session pid. */
export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a running query by its query id, or a session’s statement by pid',
  usage: ['redshift-kit cancel QUERY_ID', 'redshift-kit cancel --pid PID'],
  optionHelp: [['--pid PID', 'the session (process id) whose running statement to cancel']],
  examples: ['redshift-kit cancel 123456', 'redshift-kit cancel --pid 1073815812'],
  options: { pid: { type: 'string' } },
  connects: true,
  async run(args, flags, io) {
    const pid = str(flags, 'pid')
    const id = args[0]
    if ((pid === undefined) === (id === undefined))
      throw new UsageError('give a query id or --pid PID (one of them)')
    const text = pid ?? id ?? ''
    if (!/^\d+$/.test(text)) throw new UsageError(`${pid ? '--pid' : 'query id'} ${text}: expected a number`)
    const connection = await connectWith(flags, io)
    try {
      const outcome = await connection.client.cancelQuery(pid ? { pid: Number(pid) } : QueryId.new(text))
      io.stdout.write(`${outcome.message}\n`)
      return outcome.cancelled || outcome.outcome === 'requested' ? EXIT.ok : EXIT.failed
    } finally {
      await connection.close()
    }
  },
}
