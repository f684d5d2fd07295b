/**
 * Retry delays for transient failures other than throttling (the Pacer spaces those): exponential with jitter,
 * capped by the poll interval so an end is never noticed late.
 */

const BASE_MS = 1000

export function backoffDelay(attempt: number, intervalMs: number, random: number): number {
  const ceiling = Math.min(intervalMs, BASE_MS * 2 ** Math.max(0, attempt - 1))
  // "equal jitter": half fixed, half random, so gates started together drift apart but never retry at once
  return Math.round(ceiling / 2 + (random * ceiling) / 2)
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number
): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!v) return undefined
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
