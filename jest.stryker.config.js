// Jest as StrykerJS runs it (`npm run mutate`, stryker.config.mjs): the unit tests only, without coverage.
// The end-to-end and fleet tests (__tests__/e2e/) run the bundled dist/index.js, which Stryker does not mutate, and
// take minutes; repo/ci-workflows.test.ts checks YAML files and a shell script, not src/.
import base from './jest.config.js'

export default {
  ...base,
  collectCoverage: false,
  coverageThreshold: undefined,
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns,
    '<rootDir>/__tests__/e2e/',
    '<rootDir>/__tests__/repo/ci-workflows\\.test\\.ts$'
  ],
  // a test that hangs is a test that failed: the tests use a fake clock, so none of them needs long
  testTimeout: 10000
}
