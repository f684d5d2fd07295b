/**
 * Go's time.String() format, which CCE uses for timestamps: "2022-12-16 13:40:20.75671 +0800 CST"
 * (optionally followed by a monotonic clock reading " m=+0.000123"); RFC 3339 is accepted as well.
 * Returns epoch ms, so that timestamps with different offsets compare as instants.
 */
export function parseGoTime(text: string): number | undefined {
  const go =
    /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([+-])(\d\d)(\d\d)(?: [A-Za-z0-9+-]+)?(?: m=[+-]\d+(?:\.\d+)?)?$/.exec(
      text.trim()
    )
  if (!go) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text.trim()))
      return undefined
    const ms = Date.parse(text.trim())
    return Number.isNaN(ms) ? undefined : ms
  }
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om] = go
  const fields = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const [year, month, day, hour, minute, second] = fields
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined
  const utc = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    Number(frac.padEnd(3, '0').slice(0, 3))
  )
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1)
  return utc - offset
}
