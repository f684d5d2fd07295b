/**
 * The test layout CONTRIBUTING.md describes (issue 23.8): tests mirror `src/`, so the root of `__tests__/` holds only
 * the tests of `src/main.ts` (`main*.test.ts`), and no test file passes about 800 lines.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const MAX_LINES = 800

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? testFiles(join(dir, e.name))
      : e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : []
  )
}

describe('the test layout', () => {
  const files = testFiles('__tests__')

  it('at the root of __tests__/ only the tests of src/main.ts', () => {
    const root = files.filter(f => !f.slice('__tests__/'.length).includes('/'))
    expect(root.length).toBeGreaterThan(0)
    expect(root.filter(f => !/^__tests__\/main(-[a-z-]+)?\.test\.ts$/.test(f))).toEqual([])
  })

  it(`no test file passes ${MAX_LINES} lines`, () => {
    expect(files.length).toBeGreaterThan(30)
    const long = files
      .map(f => ({ f, lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter(x => x.lines > MAX_LINES)
    expect(long).toEqual([])
  })
})
