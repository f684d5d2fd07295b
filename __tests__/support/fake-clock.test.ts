/**
 * The FakeClock's runaway bounds: a loop that never ends (a bug's, or a mutant's under `npm run mutate`) fails its
 * test in well under a second instead of hanging it until a time limit.
 */
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_BOUNDS, FakeClock, RunawayError, takeRunaways } from './fake-clock.js'

/** Runs `loop` and returns what it threw and how long that took in real time. */
async function runaway(loop: () => Promise<void> | void) {
  const started = performance.now()
  const error = await Promise.resolve()
    .then(loop)
    .then(
      () => undefined,
      (e: unknown) => e
    )
  // claimed here, or the runaway guard (runaway-guard.ts) fails this test after it
  return { error, realMs: performance.now() - started, claimed: takeRunaways() }
}

describe('FakeClock bounds', () => {
  it('stops a loop that only sleeps (a deadline never reached) after its sleep bound', async () => {
    const clock = new FakeClock(0, 42, undefined, { sleeps: 50, elapsedMs: Infinity })
    const { error, realMs, claimed } = await runaway(async () => {
      for (;;) await clock.sleep(1)
    })
    expect(error).toBeInstanceOf(RunawayError)
    expect(String(error)).toMatch(/past its bounds \(51 sleeps\)/)
    expect(clock.sleeps).toHaveLength(51)
    expect(claimed).toEqual([(error as Error).message])
    expect(realMs).toBeLessThan(5000)
  })

  it('stops a loop once the fake time passed its bound, forwards or backwards', async () => {
    for (const step of [3_600_000, -3_600_000]) {
      const clock = new FakeClock(0, 42, undefined, { elapsedMs: 10 * 3_600_000 })
      const { error, claimed } = await runaway(async () => {
        for (;;) await clock.sleep(step)
      })
      expect(String(error)).toMatch(/ms of fake time\)/)
      expect(clock.sleeps).toHaveLength(11)
      expect(claimed).toHaveLength(1)
    }
  })

  it('stops a loop that spins without sleeping, by its reads of the time between sleeps', async () => {
    const clock = new FakeClock()
    const { error, realMs, claimed } = await runaway(async () => {
      for (;;) await Promise.resolve(clock.now())
    })
    const bound = DEFAULT_BOUNDS.readsBetweenSleeps
    expect(String(error)).toMatch(
      new RegExp(`\\(${bound + 1} reads of the time without a sleep\\)`)
    )
    expect(clock.reads).toBe(bound + 1)
    expect(claimed).toHaveLength(1)
    expect(realMs).toBeLessThan(5000)
  })

  it('counts reads between sleeps afresh after each sleep or advance, and all reads together', async () => {
    const clock = new FakeClock(0, 42, undefined, { readsBetweenSleeps: 10, reads: 100 })
    const { error, claimed } = await runaway(async () => {
      for (let i = 0; ; i++) {
        for (let r = 0; r < 10; r++) clock.now()
        if (i % 2) await clock.sleep(1)
        else clock.advance(1)
      }
    })
    expect(String(error)).toMatch(/\(101 reads of the time\)/)
    expect(claimed).toHaveLength(1)
  })

  it('keeps throwing once it ran away, so a loop that catches the error cannot outlive it', async () => {
    const clock = new FakeClock(0, 42, undefined, { reads: 3 })
    const thrown: unknown[] = []
    for (let i = 0; i < 6; i++) {
      try {
        clock.now()
      } catch (e) {
        thrown.push(e)
      }
    }
    expect(thrown).toHaveLength(3)
    expect(new Set(thrown).size).toBe(1)
    await expect(clock.sleep(1)).rejects.toBe(thrown[0])
    // recorded once, for the guard that fails the test even when the code under test swallowed the error
    expect(takeRunaways()).toHaveLength(1)
    expect(takeRunaways()).toEqual([])
  })

  it('leaves the tests room: far above what a 60-minute wait at 15 s needs', async () => {
    const clock = new FakeClock()
    for (let i = 0; i < 240; i++) {
      clock.now()
      await clock.sleep(15_000)
    }
    expect(clock.now() - Date.UTC(2026, 10, 24, 12, 0, 0)).toBe(3_600_000)
    expect(takeRunaways()).toEqual([])
  })
})
