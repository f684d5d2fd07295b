import { coreIo } from './core-io.js'
import { run } from './main.js'

const io = coreIo()

// The runner cancels with SIGINT, then SIGTERM 7.5 s later: the first aborts the wait so that outputs and the
// summary are still written; a second one, or a run that does not end within 5 s, exits at once.
const cancel = new AbortController()
const onSignal = (): void => {
  if (cancel.signal.aborted) process.exit(1)
  cancel.abort()
  setTimeout(() => process.exit(1), 5000).unref()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

run(io, { signal: cancel.signal }).catch((e: unknown) => {
  // Unexpected: still one clear line, never a stack trace (it is in the debug log).
  io.debug(e instanceof Error && e.stack ? e.stack : String(e))
  io.setFailed(`Unexpected error: ${e instanceof Error ? e.message : String(e)}`)
})
