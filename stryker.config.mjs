// @ts-check
/**
 * `npm run mutate`: StrykerJS over the gate's decision code. Every mutant of these files must make a unit test
 * fail — a surviving one is a way the gate could pass a failed upgrade unnoticed. Report: reports/mutation/.
 * StrykerJS 9.6 (10 needs Node >= 22). See CONTRIBUTING.md, "Mutation testing".
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  // the tests run as ESM (ts-jest), as `npm test` runs them
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.stryker.config.js',
    enableFindRelatedTests: true
  },
  coverageAnalysis: 'perTest',
  // The gate's decision code (gate/, a fleet's verdict too), its decoders (cce/), how it reads API times, the
  // API clock and the step's pacer (one rate budget for a fleet).
  mutate: [
    'src/gate/verdict.ts',
    'src/gate/choose.ts',
    'src/gate/waiter.ts',
    'src/gate/observer.ts',
    'src/gate/fleet.ts',
    'src/gate/require-version.ts',
    'src/lib/go-time.ts',
    'src/huawei/pacer.ts',
    'src/huawei/step-pacer.ts',
    'src/cce/workflow.ts',
    'src/cce/precheck.ts',
    'src/cce/cluster.ts',
    'src/cce/task.ts',
    'src/cce/list.ts',
    'src/huawei/skew.ts'
  ],
  thresholds: { high: 98, low: 95, break: 95 },
  // 2 cores: one runner each. jest under --experimental-vm-modules leaks memory in a long-lived runner, so each
  // is replaced after 15 runs.
  concurrency: 2,
  maxTestRunnerReuse: 15,
  // a mutant that makes a test loop is caught by the tests' own bounds (fake clock, fake client) in seconds; this
  // is only the last resort: the mutant's time is the tests' time x 1.5 + 10 s
  timeoutMS: 10000,
  timeoutFactor: 1.5,
  reporters: ['html', 'clear-text', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
