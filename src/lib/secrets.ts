/**
 * Every secret the action handles is registered here the moment it is read: the runner is told to mask it
 * (`::add-mask::`), and `redact` scrubs it from any text we print ourselves, as a second line of defence
 * (an API error message may echo a header value back, and the runner's masking is not active locally).
 */
export class Secrets {
  private readonly values = new Set<string>()

  constructor(private readonly mask: (value: string) => void) {}

  add(value: string | undefined): void {
    const v = value?.trim()
    if (!v || this.values.has(v)) return
    // also as a URL's query or form would carry it: a token with "/", "+" or "=" echoed from a URL
    for (const form of new Set([v, encodeURIComponent(v)])) {
      this.values.add(form)
      this.mask(form)
    }
  }

  /** Longest first: when one secret contains another, the outer one goes whole, not around a masked inner one. */
  redact(text: string): string {
    let out = text
    const longestFirst = [...this.values].sort((a, b) => b.length - a.length)
    for (const v of longestFirst) out = out.split(v).join('***')
    return out
  }
}
