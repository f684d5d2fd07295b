import { coreIo } from './action/core-io.js'
import { reportCrash } from './action/crash.js'
import { Secrets } from './lib/secrets.js'
import { run } from './main.js'

const io = coreIo()
// made here, so that the last resort below redacts what run() registered
const secrets = new Secrets(v => io.setSecret(v))

// The runner cancels with SIGINT, then SIGTERM 7.5 s later: the first aborts the wait so that outputs and the
// summary are still written; a second one, or a run that does not end within 5 s, ends the process at once.
// Not with process.exit(): it waits for libuv's thread pool, so a thread stuck in a blocking call (a DNS lookup,
// a write to a hung file system) would keep the process alive. The signal's default action ends it regardless.
const die = (signal: NodeJS.Signals): void => {
  process.removeAllListeners(signal)
  process.kill(process.pid, signal)
}
const cancel = new AbortController()
const onSignal = (signal: NodeJS.Signals): void => {
  if (cancel.signal.aborted) return die(signal)
  cancel.abort()
  setTimeout(() => die(signal), 5000).unref()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

// Once run() has ended (outputs, summary and verdict written), nothing may keep the step alive: a request left
// unanswered outside our transport (GitHub's ID token endpoint, which @actions/core asks without a timeout)
// still holds the event loop. process.exit() keeps the exit code already set; the timer is unref'ed, so it never
// delays a normal exit.
const LINGER_MS = 1000

run(io, { signal: cancel.signal, secrets })
  .catch((e: unknown) => reportCrash(io, t => secrets.redact(t), e))
  .finally(() => setTimeout(() => process.exit(), LINGER_MS).unref())
