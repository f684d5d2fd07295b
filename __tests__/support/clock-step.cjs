/**
 * Preloaded into the action's process (`NODE_OPTIONS=--require …/clock-step.cjs`): steps the runner's wall clock as
 * NTP or a person would. `Date.now()`, `new Date()` and `Date()` read CLOCK_STEP_MS ms (either sign) off from the
 * moment the process has run CLOCK_STEP_AT_MS ms (its monotonic clock, 0: from the start). Timers and
 * `performance.now()` are untouched, as a real step leaves them. When the step comes, one line goes to stderr, so a test
 * can tell the step happened while the action still ran.
 */
/* global process, performance, setTimeout */
'use strict'
const stepMs = Number(process.env.CLOCK_STEP_MS || 0)
const atMs = Number(process.env.CLOCK_STEP_AT_MS || 0)
const RealDate = Date
const now = () => RealDate.now() + (performance.now() < atMs ? 0 : stepMs)
globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) =>
    Reflect.construct(target, args.length ? args : [now()], newTarget),
  apply: () => new RealDate(now()).toString(),
  get: (target, prop) => (prop === 'now' ? now : Reflect.get(target, prop))
})
// the step is said when it happens, so a test knows the action was still running then; the timer keeps no
// process alive
setTimeout(
  () => process.stderr.write(`clock-step: the wall clock stepped by ${stepMs} ms\n`),
  Math.max(0, atMs - performance.now())
).unref()
