/** Durations as users write them: 90s, 15m, 1h30m, 500ms; a bare number means seconds. */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }
const ORDER = ['h', 'm', 's', 'ms']

export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000)
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(t)) return undefined
  let total = 0
  let last = -1
  for (const [, value, , unit] of t.matchAll(/(\d+(\.\d+)?)(ms|h|m|s)/g)) {
    const rank = ORDER.indexOf(unit!)
    // each unit at most once, largest first: "1m1m" or "30s1m" is more likely a typo than a wish
    if (rank <= last) return undefined
    last = rank
    total += Number(value) * UNIT_MS[unit!]!
  }
  return Math.round(total)
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`.replace(/^0ms$/, '0s')
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h) return `${h}h${m ? `${m}m` : ''}`
  if (m) return `${m}m${s ? `${s}s` : ''}`
  return `${s}s`
}

/** Elapsed time for people: whole seconds ("0s", "6m10s"), never milliseconds. */
export function formatElapsed(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000)
}
