/**
 * Go's time.String() format, which CCE uses for timestamps: "2022-12-16 13:40:20.75671 +0800 CST"
 * (optionally followed by a monotonic clock reading " m=+0.000123"); RFC 3339 is accepted as well.
 * Returns epoch ms, so that timestamps with different offsets compare as instants.
 *
 * Go writes an unset time as its zero time, `0001-01-01 00:00:00 +0000 UTC` (docs/cce-api.md §1): that, in any
 * zone, is no time at all, and reads as unreadable.
 */
const GO =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([+-])(\d\d)(\d\d)(?: [A-Za-z0-9+-]+)?(?: m=[+-]\d+(?:\.\d+)?)?$/
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d):(\d\d))$/i

/** 0002-01-01T00:00:00Z: any instant before it is Go's zero time written in some zone (at most ±24 h away). */
const AFTER_GO_ZERO = -62_104_060_800_000

/** How far in the future of the API's clock a timestamp of something that happened may lie and still be read. */
export const FUTURE_SLACK_MS = 5 * 60_000

export function parseGoTime(text: string): number | undefined {
  const t = text.trim()
  const match = GO.exec(t) ?? RFC3339.exec(t)
  if (!match) return undefined
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om] = match
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  // RFC 3339's Z has no sign nor offset digits
  const offH = Number(oh ?? 0)
  const offM = Number(om ?? 0)
  if (hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) return undefined
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  // a day past the month's end (or 00, or a month 13) rolls over into another month: reject it instead
  if (date.getUTCMonth() !== month - 1) return undefined
  date.setUTCHours(hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)))
  const offset = (offH * 60 + offM) * 60_000
  const instant = date.getTime() - (sign === '-' ? -offset : offset)
  return instant < AFTER_GO_ZERO ? undefined : instant
}

/**
 * The instant of a timestamp that records something that happened (a creation, a start, an end): unreadable
 * (undefined) when it does not parse, is Go's zero time, or lies more than FUTURE_SLACK_MS in the future of
 * `apiNow`, the API's clock (a local time labelled UTC, say). Without `apiNow` no time is in the future.
 */
export function readPastTime(text: string, apiNow?: number): number | undefined {
  const at = parseGoTime(text)
  return (at ?? -Infinity) > (apiNow ?? Infinity) + FUTURE_SLACK_MS ? undefined : at
}
