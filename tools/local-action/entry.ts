/**
 * The entrypoint `npm run local-action` hands GitHub's local runner: src/main.ts's run(), talking to the runner's
 * stand-ins for @actions/core, with one addition: a gate that fails ends the command with exit code 1, as it fails
 * the step on a runner. (The stand-in setFailed prints the ::error:: line but leaves the exit code at 0.)
 */
import { coreIo } from '../../src/action/core-io.js'
import { run as gate } from '../../src/main.js'

export async function run(): Promise<void> {
  const io = coreIo()
  let failed = false
  const setFailed = (message: string): void => {
    failed = true
    io.setFailed(message)
  }
  try {
    await gate({ ...io, setFailed })
  } catch (e) {
    // as src/index.ts: one clear line, the stack only in the debug log
    io.debug(e instanceof Error && e.stack ? e.stack : String(e))
    setFailed(`Unexpected error: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (failed) process.exitCode = 1
}
