/**
 * `npm test` prints jest's own report and nothing else (issue 23): no test writes to the console (a figure worth
 * keeping belongs in `npm run bench` and docs/performance.md), and Node's ExperimentalWarning for the VM modules
 * jest needs is turned off in the test script.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? testFiles(join(dir, e.name))
      : e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : []
  )
}

describe('npm test output', () => {
  it('no test file logs to the console', () => {
    const files = testFiles('__tests__')
    expect(files.length).toBeGreaterThan(30)
    const logging = files.filter(f =>
      /\bconsole\.(log|info|warn|error|debug)\(/.test(readFileSync(f, 'utf8'))
    )
    expect(logging).toEqual([])
  })

  it('the test script turns off the ExperimentalWarning of --experimental-vm-modules', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts['test']).toMatch(
      /^NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' jest$/
    )
  })
})
