// Jest runs the TypeScript sources as ESM (ts-jest), as the official action template does.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  resolver: 'ts-jest-resolver',
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // StrykerJS's sandboxes (npm run mutate) hold a copy of the tree: neither its tests nor its modules are ours
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: {
    global: { lines: 90, branches: 90, functions: 90, statements: 90 }
  },
  // a test whose fake clock ran past its bounds (a loop that did not end) fails, whatever the code did with that
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/runaway-guard.ts'],
  testTimeout: 30000
}
