import * as core from '@actions/core'
import { ActionIo, run } from './main.js'

const io: ActionIo = {
  getInput: name => core.getInput(name),
  env: process.env,
  debug: core.debug,
  info: core.info,
  warning: core.warning,
  setSecret: core.setSecret,
  setOutput: core.setOutput,
  setFailed: core.setFailed,
  writeSummary: async markdown => {
    await core.summary.addRaw(markdown, true).write()
  },
  getIDToken: audience => core.getIDToken(audience)
}

// The runner cancels with SIGINT, then SIGTERM 7.5 s later: the first aborts the wait so that outputs and the
// summary are still written; a second one, or a wait that does not end within 5 s, exits at once.
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
  core.debug(e instanceof Error && e.stack ? e.stack : String(e))
  core.setFailed(`Unexpected error: ${e instanceof Error ? e.message : String(e)}`)
})
