import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const DIST = join(process.cwd(), 'dist', 'index.js')

/** The defaults action.yml declares: the runner fills them in as INPUT_* variables, so the tests do too. */
export function actionDefaults(): Record<string, string> {
  const yml = readFileSync(join(process.cwd(), 'action.yml'), 'utf8')
  const inputs = yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:'))
  const defaults: Record<string, string> = {}
  let current = ''
  for (const line of inputs.split('\n')) {
    const name = /^ {2}([a-z-]+):\s*$/.exec(line)
    if (name) current = name[1]!
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (def && current) defaults[current] = def[1]!.replace(/^'(.*)'$/, '$1')
  }
  return defaults
}

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** ms from spawn to exit */
  wallMs: number
  /** ms from the kill signal (if any) to exit */
  afterSignalMs?: number
  /** ms from the second signal (if one was sent) to exit */
  afterSecondSignalMs?: number
}

/** Parses the name<<delimiter / value / delimiter records @actions/core appends to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!m) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!)
    out[m[1]!] = value.join('\n')
  }
  return out
}

export interface RunOptions {
  inputs: Record<string, string>
  env?: Record<string, string>
  /** Send SIGINT after this many ms (or when `signalWhen` first matches stdout), as the runner does on cancel. */
  signalAfterMs?: number
  signalWhen?: RegExp
  /** SIGINT unless given: the runner sends SIGINT, then SIGTERM. */
  signal?: NodeJS.Signals
  /** Send a second signal (SIGINT unless given) this many ms after the first, as an impatient runner does. */
  secondSignalAfterMs?: number
  secondSignal?: NodeJS.Signals
  timeoutMs?: number
}

/** Runs the committed dist/index.js the way the runner does: INPUT_* variables, output and summary files. */
export function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cce-gate-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: join(dir, 'state'),
    RUNNER_TEMP: dir,
    ...o.env
  }
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...o.inputs }))
    env[`INPUT_${k.toUpperCase()}`] = v

  return new Promise((resolve, reject) => {
    const started = Date.now()
    let signalledAt: number | undefined
    let secondAt: number | undefined
    const child = spawn(process.execPath, [DIST], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const interrupt = (): void => {
      if (signalledAt !== undefined) return
      signalledAt = Date.now()
      child.kill(o.signal ?? 'SIGINT')
      if (o.secondSignalAfterMs === undefined) return
      const again = (): void => {
        secondAt = Date.now()
        child.kill(o.secondSignal ?? 'SIGINT')
      }
      timers.push(setTimeout(again, o.secondSignalAfterMs))
    }
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      if (o.signalWhen?.test(stdout)) interrupt()
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timers = [setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000)]
    if (o.signalAfterMs !== undefined) timers.push(setTimeout(interrupt, o.signalAfterMs))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      timers.forEach(clearTimeout)
      const ended = Date.now()
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        wallMs: ended - started,
        afterSignalMs: signalledAt === undefined ? undefined : ended - signalledAt,
        afterSecondSignalMs: secondAt === undefined ? undefined : ended - secondAt
      })
    })
  })
}

/** Workflow command lines, with the runner's escaping (%25, %0D, %0A) undone. */
export const commands = (stdout: string, kind: string): string[] =>
  stdout
    .split('\n')
    .filter(l => l.startsWith(`::${kind}::`))
    .map(l => l.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
export const errors = (stdout: string): string[] => commands(stdout, 'error')
export const warnings = (stdout: string): string[] => commands(stdout, 'warning')
/** What a person sees in the log: the runner swallows ::add-mask:: lines. */
export const visible = (stdout: string): string =>
  stdout
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')
