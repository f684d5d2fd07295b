import type { Env, GetInput } from './inputs.js'

/** Everything the action reads from or writes to the runner; @actions/core in production, a recorder in tests. */
export interface ActionIo {
  getInput: GetInput
  env: Env
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  setSecret(value: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  writeSummary(markdown: string): Promise<void>
  getIDToken(audience?: string): Promise<string>
}
