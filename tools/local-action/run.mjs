// @ts-check
/**
 * `npm run local-action [-- DOTENV]`: GitHub's local runner (@github/local-action) on this action, from the
 * repository's root, with the settings in DOTENV (default .env, relative to the root).
 *
 * Why from the root: the runner swaps the project's @actions/core for its stand-ins (masking, the outputs table,
 * debug lines that follow ACTIONS_STEP_DEBUG, the summary file) by asking `npm ls @actions/core` in its working
 * directory where that package lives, then stubbing that file. Started from tools/local-action/, it found its own
 * copy there, stubbed that one, and the action ran the real @actions/core: secrets printed as ::add-mask::, no
 * outputs table, a stack trace when the gate failed.
 *
 * What it does:
 * 1. Installs tools/local-action/ (npm ci) only when it is missing or its package.json / package-lock.json changed
 *    since the last install (a hash stored in node_modules/ after a successful install). `--install` stops there.
 * 2. Starts the runner's CLI (src/index.ts, under the tsx it ships) the way its `local-action` bin would, but
 *    without the bin: the bin runs `npm exec tsx`, which from the root (no tsx there) would fetch another tsx from
 *    the registry, and it turns any non-zero exit into a stack trace. The entrypoint is tools/local-action/entry.ts:
 *    src/main.ts's run() with an exit code of 1 when the gate fails.
 * Before either, it reads DOTENV (preflight.mjs): a warning for each INPUT_* that action.yml does not declare, as
 * the runner on GitHub warns about an unexpected input; and when the endpoint is on loopback (the fake API) and
 * nothing listens there, it says so and exits 1 instead of letting the gate retry.
 * Exits with the runner's exit code: 0 when the gate passed, 1 when it failed, 2 for a usage error.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  declaredInputs,
  loopbackProblem,
  parseDotenv,
  undeclaredInputWarnings
} from './preflight.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '..', '..')
const MODULES = join(HERE, 'node_modules')
/** written after a successful install: the hash of the files that decide what is installed */
const STAMP = join(MODULES, '.installed-lock-sha256')
const TSX_CLI = join(MODULES, 'tsx', 'dist', 'cli.mjs')
const RUNNER_CLI = join(MODULES, '@github', 'local-action', 'src', 'index.ts')
const ENTRY = relative(ROOT, join(HERE, 'entry.ts'))

const USAGE = `usage: npm run local-action [-- DOTENV]     run the action locally with the settings in DOTENV (default .env)
       node tools/local-action/run.mjs --install   only install the local runner (when missing or its lock changed)
       node tools/local-action/run.mjs --check     exit 0 when it is installed and current, 1 when an install is due
       node tools/local-action/run.mjs --help

DOTENV is relative to the repository's root (or absolute); start from .env.example (cp .env.example .env) and the fake API
(node __tests__/support/fake-api.mjs --scenario workflow --port 18080).`

/** The hash of what `npm ci` installs from: the lock, and package.json (npm ci refuses when they disagree). */
function lockHash() {
  const h = createHash('sha256')
  for (const file of ['package.json', 'package-lock.json']) h.update(readFileSync(join(HERE, file)))
  return h.digest('hex')
}

/** Why an install is due (`npm ci` in tools/local-action), or undefined when it is installed and current. */
function installDue() {
  if (!existsSync(MODULES)) return 'first use'
  if (!existsSync(STAMP)) return 'no record of a finished install'
  if (readFileSync(STAMP, 'utf8').trim() !== lockHash()) return 'its package.json or lock changed'
  if (!existsSync(TSX_CLI) || !existsSync(RUNNER_CLI))
    return 'files are missing from its node_modules'
  return undefined
}

/** Installs the local runner unless it is there already; returns false (having said why) when npm ci failed. */
function ensureInstalled() {
  const why = installDue()
  if (why === undefined) return true
  process.stderr.write(
    `Installing GitHub's local runner in tools/local-action (${why}; about 20 s)…\n`
  )
  rmSync(STAMP, { force: true })
  const started = Date.now()
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: HERE,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32'
  })
  if (npm.status !== 0) {
    process.stderr.write(
      `npm ci in tools/local-action failed (${npm.error?.message ?? `exit ${npm.status ?? npm.signal}`}): see npm's output above.\n`
    )
    return false
  }
  writeFileSync(STAMP, `${lockHash()}\n`)
  process.stderr.write(`Installed in ${Math.round((Date.now() - started) / 1000)} s.\n`)
  return true
}

/** @param {string} message */
function usageError(message) {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

/**
 * Warns about inputs action.yml does not declare; false (having said why) when the fake API it aims at is not there.
 * @param {string} dotenv
 */
async function preflight(dotenv) {
  const vars = parseDotenv(readFileSync(resolve(ROOT, dotenv), 'utf8'))
  const inputs = declaredInputs(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  for (const warning of undeclaredInputWarnings(vars, inputs, dotenv))
    process.stderr.write(`${warning}\n`)
  for (const key of ['INPUT_ENDPOINT', 'INPUT_IAM-ENDPOINT']) {
    const endpoint = vars.get(key)
    const why = await loopbackProblem(endpoint)
    if (why === undefined) continue
    process.stderr.write(
      `Nothing answers at ${endpoint} (${key} in ${dotenv}): ${why}. Start the fake API first, in another shell (node __tests__/support/fake-api.mjs --scenario workflow --port 18080; it stops after --max-seconds, 600 by default), or fix ${key}.\n`
    )
    return false
  }
  return true
}

async function main() {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  for (const only of ['--install', '--check'])
    if (args.includes(only) && args.length > 1) usageError(`${only} takes no other argument.`)
  if (args[0] === '--install') {
    process.exitCode = ensureInstalled() ? 0 : 1
    return
  }
  if (args[0] === '--check') {
    const why = installDue()
    process.stdout.write(why === undefined ? 'installed and current\n' : `install due: ${why}\n`)
    process.exitCode = why === undefined ? 0 : 1
    return
  }
  const flag = args.find(a => a.startsWith('-'))
  if (flag !== undefined) usageError(`Unknown option ${flag}.`)
  if (args.length > 1) usageError('One DOTENV file at most.')
  const dotenv = args[0] ?? '.env'
  if (!existsSync(resolve(ROOT, dotenv)))
    usageError(
      `No ${dotenv} at the repository's root: copy .env.example to .env (git ignores it) and adjust it.`
    )
  if (!existsSync(join(ROOT, 'node_modules', '@actions', 'core', 'package.json')))
    usageError(
      "The action's own packages are not installed: run npm ci at the repository's root first."
    )
  if (!(await preflight(dotenv))) process.exit(1)
  if (!ensureInstalled()) process.exit(1)

  const child = spawn(process.execPath, [TSX_CLI, RUNNER_CLI, '.', ENTRY, dotenv], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      // what the runner's bin sets before it starts the same CLI
      TARGET_ACTION_PATH: ROOT,
      NODE_PACKAGE_MANAGER: 'npm',
      NODE_NO_WARNINGS: '1'
    }
  })
  // Ctrl-C reaches the whole process group; a signal sent to this process alone is passed on.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']))
    process.on(signal, () => child.kill(signal))
  child.on('error', e => {
    process.stderr.write(`Could not start the local runner: ${e.message}\n`)
    process.exitCode = 1
  })
  child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1)
  })
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main()
