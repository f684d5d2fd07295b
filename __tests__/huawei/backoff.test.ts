import { describe, expect, it } from '@jest/globals'
import { backoffDelay, parseRetryAfter } from '../../src/huawei/backoff.js'

describe('backoff', () => {
  it('doubles from 1 s up to the interval, with jitter between half and all of it', () => {
    expect(backoffDelay(1, 15_000, 0)).toBe(500)
    expect(backoffDelay(1, 15_000, 0.999999)).toBe(1000)
    expect(backoffDelay(3, 15_000, 1)).toBe(4000)
    expect(backoffDelay(10, 15_000, 1)).toBe(15_000)
    expect(backoffDelay(10, 15_000, 0)).toBe(7500)
    expect(backoffDelay(0, 500, 1)).toBe(500)
  })

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 24, 12)
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(['1.5'], now)).toBe(1500)
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10_000)
    expect(parseRetryAfter(new Date(now - 10_000).toUTCString(), now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(' ', now)).toBeUndefined()
  })
})
