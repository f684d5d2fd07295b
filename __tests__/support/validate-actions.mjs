// @ts-check
// `npm run validate`: action.yml and every workflow checked against their JSON schemas (@action-validator/core),
// so a typo in an input, a `runs.using` or a workflow key fails CI instead of a user's run.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { validateAction, validateWorkflow } from '@action-validator/core'

/**
 * The schema in @action-validator/core 0.6.0 (the newest) predates `runs.using: node24`, which GitHub's runners
 * accept since 2025 and which this action must declare. So action.yml is checked with its runtime line read as
 * node20, and the runtime itself is checked here: node24 and a main entry point.
 */
function checkAction(/** @type {string} */ text) {
  const using = /^runs:\n(?:\s+.*\n)*?\s+using:\s*(\S+)/m.exec(text)?.[1]
  const result = validateAction(text.replace(/^(\s+using:\s*)node24\s*$/m, '$1node20'))
  if (using !== 'node24') {
    result.errors.push({
      code: 'runtime',
      path: '/runs/using',
      title: `runs.using is ${using}, expected node24`
    })
  }
  return result
}

const files = [{ path: 'action.yml', check: checkAction }]
const dir = join('.github', 'workflows')
const workflows = readdirSync(dir).filter(f => /\.ya?ml$/.test(f))
if (workflows.length === 0) {
  console.error(`no workflow files in ${dir}`)
  process.exit(1)
}
for (const f of workflows) files.push({ path: join(dir, f), check: validateWorkflow })

let failed = 0
for (const { path, check } of files) {
  const { errors } = check(readFileSync(path, 'utf8'))
  if (errors.length === 0) {
    console.log(`ok ${path}`)
    continue
  }
  failed++
  for (const e of errors)
    console.error(
      `error ${path}: ${'path' in e ? e.path : ''} ${e.title}${e.detail ? ` (${e.detail})` : ''}`
    )
}
process.exit(failed ? 1 : 0)
