import { describe, expect, it } from '@jest/globals'
import { Pacer } from '../../src/huawei/pacer.js'

describe('Pacer', () => {
  it('polls at the configured interval while nothing is throttled', () => {
    const p = new Pacer(5000)
    expect(p.pollIntervalMs()).toBe(5000)
    p.answered()
    expect(p.pollIntervalMs()).toBe(5000)
    expect(p.throttled).toBe(false)
  })

  it('triples the interval on a 429, at most, and narrows it again answer by answer', () => {
    const p = new Pacer(5000)
    p.refused()
    expect(p.throttled).toBe(true)
    expect(p.pollIntervalMs()).toBe(15_000)
    p.refused()
    expect(p.pollIntervalMs()).toBe(15_000)
    const seen: number[] = []
    for (let i = 0; i < 7; i++) {
      p.answered()
      seen.push(p.pollIntervalMs())
    }
    // additive increase of the rate: 1/3 + 0.1 per answer
    expect(seen.slice(0, 3)).toEqual([11_538, 9375, 7895])
    expect(seen.every((ms, i) => i === 0 || ms < seen[i - 1]! || ms === 5000)).toBe(true)
    expect(seen.at(-1)).toBe(5000)
    expect(p.throttled).toBe(false)
  })

  it('never widens a long interval by more than a minute', () => {
    const p = new Pacer(600_000)
    p.refused()
    expect(p.pollIntervalMs()).toBe(660_000)
  })

  it('retries a refusal within the last 60 % of 1.25 widened intervals, after Retry-After', () => {
    const p = new Pacer(5000)
    p.refused()
    expect(p.retryDelayMs(0)).toBe(7500)
    expect(p.retryDelayMs(0.999999)).toBe(18_750)
    expect(p.retryDelayMs(0, 30_000)).toBe(37_500)
    // Huawei's 2–5 s advice holds for short intervals; a minute at most for long ones
    const short = new Pacer(100)
    short.refused()
    expect(short.retryDelayMs(0.999999)).toBe(2000)
    const long = new Pacer(600_000)
    long.refused()
    expect(long.retryDelayMs(0.999999)).toBe(60_000)
  })
})
