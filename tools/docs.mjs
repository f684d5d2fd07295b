// @ts-check
// `npm run docs`: writes the README's inputs and outputs tables from action.yml, between the marker comments
// <!-- inputs:start --> … <!-- inputs:end --> and <!-- outputs:start --> … <!-- outputs:end -->.
// `npm run docs -- --check` changes nothing and exits 1, naming the rows that differ, when README.md is stale.
// The tables go through Prettier with the README's own settings, so `prettier --check` agrees with this script.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A table cell: one line, with the characters a Markdown table cell cannot hold as they are escaped. */
function cell(/** @type {unknown} */ value) {
  return String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
}

/** `name` in code style; empty stays empty. */
function code(/** @type {unknown} */ value) {
  const text = String(value ?? '')
  return text === '' ? '' : `\`${text}\``
}

/**
 * The two tables as Markdown (not yet formatted), from action.yml's text.
 * @param {string} actionYml
 * @returns {{ inputs: string, outputs: string }}
 */
export function tablesOf(actionYml) {
  const action = parse(actionYml)
  const inputs = Object.entries(action?.inputs ?? {}).map(
    ([name, i]) =>
      `| ${code(name)} | ${i?.required === true ? 'yes' : 'no'} | ${cell(code(i?.default))} | ${cell(i?.description)} |`
  )
  const outputs = Object.entries(action?.outputs ?? {}).map(
    ([name, o]) => `| ${code(name)} | ${cell(o?.description)} |`
  )
  return {
    inputs: ['| name | required | default | description |', '| --- | --- | --- | --- |', ...inputs]
      .join('\n')
      .concat('\n'),
    outputs: ['| name | description |', '| --- | --- |', ...outputs].join('\n').concat('\n')
  }
}

/**
 * README.md with its tables regenerated from action.yml, formatted as Prettier formats README.md.
 * @param {string} readme
 * @param {string} actionYml
 * @returns {Promise<string>}
 */
export async function render(readme, actionYml) {
  const options = { ...(await prettier.resolveConfig(join(ROOT, 'README.md'))), parser: 'markdown' }
  const tables = tablesOf(actionYml)
  let text = readme
  for (const name of /** @type {const} */ (['inputs', 'outputs'])) {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`)
    const table = await prettier.format(tables[name], options)
    text = `${text.slice(0, from + start.length)}\n\n${table}\n${text.slice(to)}`
  }
  return text
}

/**
 * What differs between the README and what `render` makes of it: lines only one of them has.
 * @param {string} actual
 * @param {string} expected
 * @returns {string[]}
 */
export function differences(actual, expected) {
  const have = actual.split('\n')
  const want = expected.split('\n')
  return [
    ...want.filter(l => !have.includes(l)).map(l => `+ ${l}`),
    ...have.filter(l => !want.includes(l)).map(l => `- ${l}`)
  ]
}

async function main(/** @type {string[]} */ args) {
  const check = args.includes('--check')
  const option = (/** @type {string} */ name, /** @type {string} */ fallback) => {
    const i = args.indexOf(name)
    return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback
  }
  const readmePath = option('--readme', join(ROOT, 'README.md'))
  const actionPath = option('--action', join(ROOT, 'action.yml'))
  const readme = readFileSync(readmePath, 'utf8')
  const expected = await render(readme, readFileSync(actionPath, 'utf8'))
  if (expected === readme) {
    console.log(`${readmePath}: inputs and outputs tables match ${actionPath}`)
    return 0
  }
  if (!check) {
    writeFileSync(readmePath, expected)
    console.log(`${readmePath}: inputs and outputs tables written from ${actionPath}`)
    return 0
  }
  console.error(
    `${readmePath} is stale: its inputs/outputs tables differ from ${actionPath}. Run npm run docs and commit README.md.`
  )
  for (const line of differences(readme, expected)) console.error(line)
  return 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
      console.error(e instanceof Error ? e.message : e)
      process.exit(2)
    }
  )
}
