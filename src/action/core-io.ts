import * as core from '@actions/core'
import type { ActionIo } from './io.js'

/** The runner as @actions/core reaches it (stubbed by @github/local-action when run locally). */
export function coreIo(): ActionIo {
  return {
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
}
