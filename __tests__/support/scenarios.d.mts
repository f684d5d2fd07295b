// Types of scenarios.mjs (plain JavaScript) for the TypeScript tests.
import type { FakeApiOptions } from './fake-api.mjs'

export interface Scenario {
  /** What it shows, one line (npm run demo -- --list, the fake's --help). */
  note: string
  /** Inputs that differ from demoInputs' ('' leaves one out). */
  inputs?: Record<string, string>
  /** How the step ends: its exit code and the `result` output. */
  expect: { code: 0 | 1; result: string }
  /** The fake's state, its times relative to `at` (epoch ms). */
  options: (at: number) => FakeApiOptions
}
export declare const SCENARIOS: Record<string, Scenario>
export declare function scenarioList(): string
