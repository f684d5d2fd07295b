/** Reading untyped JSON answers without casts: absent or mistyped fields read as empty. */

export type JsonObject = Record<string, unknown>

export function obj(v: unknown): JsonObject {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {}
}

export function isObj(v: unknown): v is JsonObject {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v)
}

/** A string field; a number is shown with two decimals (progress is sometimes a number). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? v.toFixed(2) : ''
}

/** A list field; one object where a list was expected is read as a list of one (SDKs disagree). */
export function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v
  return isObj(v) ? [v] : []
}

/** `json` with `f` applied to every string value (not to keys): e.g. redaction of a parsed answer. */
export function mapStrings(json: unknown, f: (s: string) => string): unknown {
  if (typeof json === 'string') return f(json)
  if (Array.isArray(json)) return json.map(v => mapStrings(v, f))
  if (isObj(json))
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, mapStrings(v, f)]))
  return json
}
