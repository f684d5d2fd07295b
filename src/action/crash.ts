import type { ActionIo } from './io.js'

/**
 * The last resort, for an error run() let through: one line with every registered secret redacted, and the stack
 * only when the run is being debugged (RUNNER_DEBUG=1, which the runner sets when debug logging is on).
 */
export function reportCrash(io: ActionIo, redact: (text: string) => string, e: unknown): void {
  if (io.env['RUNNER_DEBUG'] === '1' && e instanceof Error && e.stack) io.debug(redact(e.stack))
  const message = e instanceof Error ? e.message : String(e)
  io.setFailed(redact(`Unexpected error: ${message.replace(/\s+/g, ' ').trim()}`))
}
