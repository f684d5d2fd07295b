/**
 * `npm run docs`: the README's inputs and outputs tables are action.yml's, and `--check` fails, naming the rows,
 * when they are not.
 */
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { differences, render, tablesOf } from '../../tools/docs.mjs'

const readme = readFileSync('README.md', 'utf8')
const actionYml = readFileSync('action.yml', 'utf8')

/** Runs `node tools/docs.mjs --check` on the given README and action.yml texts. */
function check(readmeText: string, actionText: string) {
  const dir = mkdtempSync(join(tmpdir(), 'docs-check-'))
  writeFileSync(join(dir, 'README.md'), readmeText)
  writeFileSync(join(dir, 'action.yml'), actionText)
  const args = [
    'tools/docs.mjs',
    '--check',
    '--readme',
    join(dir, 'README.md'),
    '--action',
    join(dir, 'action.yml')
  ]
  return new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true })
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr })
      }
    )
  })
}

describe('the README tables', () => {
  it('are what action.yml says (run npm run docs after changing action.yml)', async () => {
    const expected = await render(readme, actionYml)
    expect(differences(readme, expected)).toEqual([])
  })

  it('hold one row per input and output, with required, default and description', () => {
    const action = parse(actionYml) as { inputs: object; outputs: object }
    const { inputs, outputs } = tablesOf(actionYml)
    expect(inputs.trim().split('\n')).toHaveLength(2 + Object.keys(action.inputs).length)
    expect(outputs.trim().split('\n')).toHaveLength(2 + Object.keys(action.outputs).length)
    expect(inputs).toContain('| `cluster-id` | yes |  | ')
    expect(inputs).toContain('| `timeout` | no | `60m` | ')
    expect(outputs).toContain('| `completionTime` | ')
  })

  it('escape a | in a description, and keep each row on one line', () => {
    const yml =
      'inputs:\n  a:\n    description: "x | y\\nz"\n    default: "1"\noutputs:\n  b:\n    description: c\n'
    expect(tablesOf(yml)).toEqual({
      inputs:
        '| name | required | default | description |\n| --- | --- | --- | --- |\n| `a` | no | `1` | x \\| y z |\n',
      outputs: '| name | description |\n| --- | --- |\n| `b` | c |\n'
    })
  })
})

describe('npm run docs -- --check', () => {
  it('passes on the real README and action.yml', async () => {
    const { code, stdout } = await check(readme, actionYml)
    expect(code).toBe(0)
    expect(stdout).toContain('match')
  })

  it('fails, naming the row, when a row of the README differs from action.yml', async () => {
    const edited = readme.replace(
      /^\| `on-pause` \|.*$/m,
      '| `on-pause` | no | `wait` | Pauses are ignored. |'
    )
    expect(edited).not.toBe(readme)
    const { code, stderr } = await check(edited, actionYml)
    expect(code).toBe(1)
    expect(stderr).toContain('- | `on-pause` | no | `wait` | Pauses are ignored. |')
    expect(stderr).toMatch(/^\+ \| `on-pause` \| no \| `wait` \| What a paused upgrade task does/m)
  })

  it('fails, naming the row, when an input in action.yml differs from the README', async () => {
    const changed = actionYml.replace(
      /(\n {2}interval:\n {4}description: )[^\n]*/,
      '$1"Time between polls, at least `2s`."'
    )
    expect(changed).not.toBe(actionYml)
    const { code, stderr } = await check(readme, changed)
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /is stale: its inputs\/outputs tables differ from .*action\.yml\. Run npm run docs/
    )
    expect(stderr).toContain('+ | `interval` | no | `15s` | Time between polls, at least `2s`. |')
    expect(stderr).toContain(
      '- | `interval` | no | `15s` | Time between polls, at least `1s` and at most the timeout. |'
    )
  })

  it('fails when the README lacks the marker comments', async () => {
    const { code, stderr } = await check(readme.replace('<!-- outputs:start -->', ''), actionYml)
    expect(code).toBe(2)
    expect(stderr).toContain('README.md has no <!-- outputs:start --> … <!-- outputs:end --> block')
  })
})

describe('docs/cce-api.md', () => {
  /** Every file under `dir`, recursively. */
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap(e =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]
    )

  it('has every section that a comment in src/ or __tests__/ cites', () => {
    const doc = readFileSync(join('docs', 'cce-api.md'), 'utf8')
    const sections = new Set([...doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map(m => m[1]))
    const cited = files('src')
      .concat(files('__tests__'))
      .filter(f => /\.(ts|mjs)$/.test(f))
      .flatMap(f =>
        [...readFileSync(f, 'utf8').matchAll(/cce-api\.md ((?:§[\d.]+(?:, | and )?)+)/g)].flatMap(
          m =>
            [...(m[1] ?? '').matchAll(/§(\d+(?:\.\d+)?)/g)].map(s => ({ file: f, section: s[1] }))
        )
      )
    expect(cited.length).toBeGreaterThanOrEqual(12)
    expect(cited.filter(c => !sections.has(c.section))).toEqual([])
    // and always as docs/cce-api.md, the file that exists
    const bare = files('src')
      .concat(files('__tests__'))
      .filter(f => /\.(ts|mjs)$/.test(f) && /(?<!docs\/)cce-api\.md/.test(readFileSync(f, 'utf8')))
    expect(bare.filter(f => !f.endsWith('readme-tables.test.ts'))).toEqual([])
  })
})
