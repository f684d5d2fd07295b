import { describe, expect, it } from '@jest/globals'
import { formatDuration, formatElapsed, parseDuration } from '../src/duration.js'
import { parseGoTime } from '../src/go-time.js'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['2h0m5s', 7_205_000],
    ['1m30s250ms', 90_250],
    ['30', 30_000],
    ['1.5', 1500],
    ['1.5m', 90_000],
    [' 15S ', 15_000],
    ['0', 0]
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '5x', '-5s', 'm', '1m1m', '30s1m', '1 m', 'NaN', '1e3', '15 minutes', '1d'])(
    'rejects %j',
    text => {
      expect(parseDuration(text)).toBeUndefined()
    }
  )
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [850, '850ms'],
    [1000, '1s'],
    [45_000, '45s'],
    [370_000, '6m10s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [3_720_000, '1h2m'],
    [5_400_000, '1h30m'],
    [59_600, '1m']
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('rounds elapsed time to whole seconds', () => {
    expect(formatElapsed(14)).toBe('0s')
    expect(formatElapsed(1499)).toBe('1s')
    expect(formatElapsed(370_400)).toBe('6m10s')
  })

  it('round-trips what it prints', () => {
    for (const ms of [1000, 45_000, 370_000, 3_720_000])
      expect(parseDuration(formatDuration(ms))).toBe(ms)
  })
})

describe('parseGoTime', () => {
  it('reads Go time.String() with any offset, as an instant', () => {
    expect(parseGoTime('2022-12-16 13:40:20.75671 +0800 CST')).toBe(
      Date.UTC(2022, 11, 16, 5, 40, 20, 756)
    )
    expect(parseGoTime('2026-01-02 03:04:05 +0000 UTC')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5))
    expect(parseGoTime('2026-01-02 03:04:05.1 -0530 XYZ')).toBe(Date.UTC(2026, 0, 2, 8, 34, 5, 100))
    expect(parseGoTime('2026-01-02 03:04:05.123456789 +0100')).toBe(
      Date.UTC(2026, 0, 2, 2, 4, 5, 123)
    )
    expect(parseGoTime('2026-01-02 03:04:05 +0000 UTC m=+0.000123')).toBe(
      Date.UTC(2026, 0, 2, 3, 4, 5)
    )
  })

  it('orders by instant, not by text', () => {
    const east = parseGoTime('2022-12-16 13:40:20 +0800 CST')!
    const utc = parseGoTime('2022-12-16 06:00:00 +0000 UTC')!
    expect(east).toBeLessThan(utc)
  })

  it('falls back to RFC 3339', () => {
    expect(parseGoTime('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5))
    expect(parseGoTime('2026-01-02T03:04:05.5+08:00')).toBe(Date.UTC(2026, 0, 1, 19, 4, 5, 500))
  })

  it.each([
    '',
    'yesterday',
    '2026-13-02 03:04:05 +0000 UTC',
    '2026-01-02 25:04:05 +0000 UTC',
    '2026-01-02 03:04:05',
    '2026-01-02T03:04:05',
    '2026-02-30T03:04:05Zx'
  ])('rejects %j', text => {
    expect(parseGoTime(text)).toBeUndefined()
  })
})
