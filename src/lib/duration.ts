/** Durations as users write them: 90s, 15m, 1h30m, 500ms; a bare number means seconds. */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }
const ORDER = ['h', 'm', 's', 'ms']

export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase()
  let total = 0
  if (/^\d+(\.\d+)?$/.test(t)) total = Number(t) * 1000
  else if (/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(t)) {
    let last = -1
    for (const [, value, , unit] of t.matchAll(/(\d+(\.\d+)?)(ms|h|m|s)/g)) {
      const rank = ORDER.indexOf(unit!)
      // each unit at most once, largest first: "1m1m" or "30s1m" is more likely a typo than a wish
      if (rank <= last) return undefined
      last = rank
      total += Number(value) * UNIT_MS[unit!]!
    }
  } else return undefined
  const ms = Math.round(total)
  return Number.isSafeInteger(ms) ? ms : undefined
}

export function formatDuration(ms: number): string {
  if (ms === Infinity) return 'forever'
  // NaN and negative durations read as nothing left
  if (!(ms >= 0.5)) return '0s'
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  // seconds are noise next to hours
  if (h) return `${h}h${m ? `${m}m` : ''}`
  if (m) return `${m}m${s ? `${s}s` : ''}`
  return `${s}s`
}

/** Elapsed time for people: whole seconds ("0s", "6m10s"), never milliseconds. */
export function formatElapsed(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000)
}
