import type { ActionIo } from '../../src/action/io.js'

/** An ActionIo that records what the action would have told the runner. */
export function recordingIo(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  idToken?: () => Promise<string>
) {
  const rec = {
    lines: [] as string[],
    masked: [] as string[],
    outputs: {} as Record<string, string>,
    failed: [] as string[],
    summary: '',
    idTokenAudiences: [] as (string | undefined)[]
  }
  const io: ActionIo = {
    getInput: name => inputs[name] ?? '',
    env,
    debug: m => void rec.lines.push(`::debug::${m}`),
    info: m => void rec.lines.push(m),
    warning: m => void rec.lines.push(`::warning::${m}`),
    setSecret: v => void rec.masked.push(v),
    setOutput: (k, v) => void (rec.outputs[k] = v),
    setFailed: m => void rec.failed.push(m),
    writeSummary: async md => void (rec.summary += md),
    getIDToken: async aud => {
      rec.idTokenAudiences.push(aud)
      if (!idToken) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable')
      return idToken()
    }
  }
  const everything = () =>
    [...rec.lines, ...rec.failed, rec.summary, ...Object.values(rec.outputs)].join('\n')
  return { io, rec, everything }
}
