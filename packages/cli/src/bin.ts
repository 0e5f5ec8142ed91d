#!/usr/bin/env node
import { tuneGcForStreaming } from './gc-tuning.js'

// Before the commands are loaded, so that the heap is sized this way from the start.
tuneGcForStreaming()
const { runCli } = await import('./run.js')

// The first Ctrl+C cancels the running statement on the server and ends the command cleanly; a second
// one ends the process at once.
const controller = new AbortController()
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130)
  controller.abort()
})
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `redshift-kit query ... | head` closes the pipe early: that is not an error.
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})
process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
