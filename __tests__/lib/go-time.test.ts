import { describe, expect, it } from '@jest/globals'
import { parseGoTime, readPastTime } from '../../src/lib/go-time.js'

describe('parseGoTime', () => {
  it.each([
    ['2022-12-16 13:40:20.75671 +0800 CST', Date.UTC(2022, 11, 16, 5, 40, 20, 756)],
    ['2022-12-16 13:40:20.756712 +0800 CST', Date.UTC(2022, 11, 16, 5, 40, 20, 756)],
    ['2026-01-02 03:04:05 +0000 UTC', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2026-01-02 03:04:05.1 -0530 XYZ', Date.UTC(2026, 0, 2, 8, 34, 5, 100)],
    ['2026-01-02 03:04:05.123456789 +0100 CET', Date.UTC(2026, 0, 2, 2, 4, 5, 123)],
    // Go prints the offset again where a zone has no abbreviation, and nothing is lost without one
    ['2026-01-02 03:04:05 +0800 +08', Date.UTC(2026, 0, 1, 19, 4, 5)],
    ['2026-01-02 03:04:05 +0100', Date.UTC(2026, 0, 2, 2, 4, 5)],
    ['2026-01-02 03:04:05 +0000 UTC m=+0.000123', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2026-01-02 03:04:05.5 +0000 UTC m=-12.5', Date.UTC(2026, 0, 2, 3, 4, 5, 500)],
    ['  2026-01-02 03:04:05 +0000 UTC\n', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2024-02-29 23:59:59.999 +1400 LINT', Date.UTC(2024, 1, 29, 9, 59, 59, 999)],
    ['2026-01-02T03:04:05Z', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2026-01-02t03:04:05z', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2026-01-02T03:04:05.5+08:00', Date.UTC(2026, 0, 1, 19, 4, 5, 500)],
    ['2026-01-02T03:04:05.123456789012-01:30', Date.UTC(2026, 0, 2, 4, 34, 5, 123)]
  ])('%j → %i', (text, ms) => {
    expect(parseGoTime(text)).toBe(ms)
  })

  it('keeps years below 100 as written', () => {
    expect(new Date(parseGoTime('0099-03-04 00:00:00 +0000 UTC')!).getUTCFullYear()).toBe(99)
  })

  it('orders by instant, not by text', () => {
    const east = parseGoTime('2022-12-16 13:40:20 +0800 CST')!
    const utc = parseGoTime('2022-12-16 06:00:00 +0000 UTC')!
    expect(east).toBeLessThan(utc)
    expect('2022-12-16 13:40:20 +0800 CST' > '2022-12-16 06:00:00 +0000 UTC').toBe(true)
    expect(parseGoTime('2026-01-02 08:00:00 +0800 CST')).toBe(
      parseGoTime('2026-01-02 00:00:00 +0000 UTC')
    )
  })

  it.each([
    '',
    'yesterday',
    '2026-00-02 03:04:05 +0000 UTC',
    '2026-13-02 03:04:05 +0000 UTC',
    '2026-01-00 03:04:05 +0000 UTC',
    '2026-02-29 03:04:05 +0000 UTC',
    '2026-04-31 03:04:05 +0000 UTC',
    '2026-01-02 24:00:00 +0000 UTC',
    '2026-01-02 03:60:05 +0000 UTC',
    '2026-01-02 03:04:60 +0000 UTC',
    '2026-01-02 03:04:05 +2400 XX',
    '2026-01-02 03:04:05 +0060 XX',
    '2026-01-02 03:04:05',
    '2026-01-02 03:04:05 UTC',
    '2026-01-02 03:04:05.1234567890 +0000 UTC',
    '2026-01-02 03:04:05. +0000 UTC',
    '2026-1-02 03:04:05 +0000 UTC',
    '2026-01-02 03:04:05 +0000 UTC m=',
    '2026-01-02 03:04:05 +0000 UTC extra',
    '2026-01-02T03:04:05',
    '2026-01-02T03:04:05+0800',
    '2026-02-30T03:04:05Z',
    '2026-01-02T24:00:00Z',
    '2026-02-30T03:04:05Zx'
  ])('rejects %j', text => {
    expect(parseGoTime(text)).toBeUndefined()
  })
})

describe('parseGoTime: the edges of what reads', () => {
  it('reads the whole text only: nothing before it, in either format', () => {
    expect(parseGoTime('x2026-01-02 03:04:05 +0000 UTC')).toBeUndefined()
    expect(parseGoTime('at 2026-01-02T03:04:05Z')).toBeUndefined()
  })

  it("Go's monotonic reading, with or without a fraction", () => {
    expect(parseGoTime('2026-01-02 03:04:05 +0000 UTC m=+5')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5))
  })

  it('offsets up to 23 h 59 min, a day that does not exist is none', () => {
    expect(parseGoTime('2026-01-02 23:00:00 +2300 X')).toBe(Date.UTC(2026, 0, 2, 0, 0, 0))
    expect(parseGoTime('2026-01-02 03:59:00 +0059 X')).toBe(Date.UTC(2026, 0, 2, 3, 0, 0))
    expect(parseGoTime('2026-01-02 03:00:00 +2400 X')).toBeUndefined()
    expect(parseGoTime('2026-01-02 03:00:00 +0060 X')).toBeUndefined()
    for (const day of ['2026-02-29', '2026-04-31', '2026-01-00', '2026-13-01', '2026-01-99'])
      expect({ day, at: parseGoTime(`${day} 03:00:00 +0000 UTC`) }).toEqual({ day, at: undefined })
  })
})

describe('readPastTime: a time more than 5 min ahead of the API clock is unreadable', () => {
  const now = Date.UTC(2026, 0, 2, 3, 0, 0)
  it('up to 5 min ahead reads; past that it does not; without the API clock nothing is ahead', () => {
    expect(readPastTime('2026-01-02T03:05:00Z', now)).toBe(now + 300_000)
    expect(readPastTime('2026-01-02T03:05:01Z', now)).toBeUndefined()
    expect(readPastTime('2026-01-02T03:05:01Z')).toBe(now + 301_000)
    expect(readPastTime('2020-01-02T03:05:01Z', now)).toBe(Date.UTC(2020, 0, 2, 3, 5, 1))
    expect(readPastTime('no time', now)).toBeUndefined()
    expect(readPastTime('0001-01-01 00:00:00 +0000 UTC', now)).toBeUndefined()
  })
})
