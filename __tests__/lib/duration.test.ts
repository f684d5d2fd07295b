import { describe, expect, it } from '@jest/globals'
import { formatDuration, formatElapsed, parseDuration } from '../../src/lib/duration.js'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['2h0m5s', 7_205_000],
    ['1m30s250ms', 90_250],
    ['1h1ms', 3_600_001],
    ['30', 30_000],
    ['1.5', 1500],
    ['0.0004', 0],
    ['1.5m', 90_000],
    ['0.5h', 1_800_000],
    [' 15S ', 15_000],
    ['1H30M', 5_400_000],
    ['250MS', 250],
    ['\t10m\n', 600_000],
    ['0', 0],
    ['0s', 0]
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    '   ',
    '5x',
    '-5s',
    '-5',
    '+5s',
    'm',
    's5',
    '.5s',
    '5.s',
    '1m1m',
    '30s1m',
    '1ms1s',
    '1s1s',
    '1 m',
    '1h 30m',
    'NaN',
    'Infinity',
    '1e3',
    '0x10',
    '15 minutes',
    '1d',
    '1us',
    `${'9'.repeat(400)}h`,
    '9999999999999999s'
  ])('rejects %j', text => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.4, '0s'],
    [-5, '0s'],
    [NaN, '0s'],
    [-Infinity, '0s'],
    [Infinity, 'forever'],
    [1, '1ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [1499, '1s'],
    [45_000, '45s'],
    [59_600, '1m'],
    [60_000, '1m'],
    [370_000, '6m10s'],
    [600_000, '10m'],
    [3_599_600, '1h'],
    [3_600_000, '1h'],
    [3_605_000, '1h'],
    [3_720_000, '1h2m'],
    [5_400_000, '1h30m'],
    [90_000_000, '25h']
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('rounds elapsed time to whole seconds', () => {
    expect(formatElapsed(14)).toBe('0s')
    expect(formatElapsed(499)).toBe('0s')
    expect(formatElapsed(1499)).toBe('1s')
    expect(formatElapsed(370_400)).toBe('6m10s')
  })

  it.each([1, 850, 1000, 45_000, 370_000, 600_000, 3_600_000, 3_720_000, 5_400_000])(
    'round-trips %i ms through what it prints',
    ms => {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  )
})
