import { MIN_FORM_CHARS, decodeEscapes, formsOf } from './encodings.js'

/**
 * Every secret the action handles is registered here the moment it is read: the runner is told to mask it in each
 * form an API, a gateway or a proxy may echo it (`::add-mask::`, encodings.ts), and `redact` scrubs it from any text
 * we print ourselves, as a second line of defence (an API error message may echo a header value back, and the
 * runner's masking is not active locally).
 */
export class Secrets {
  /** The values as registered: what a decoded text is searched for. */
  private readonly values = new Set<string>()
  private readonly forms = new Set<string>()
  private longestFirst: string[] | undefined

  constructor(private readonly mask: (value: string) => void) {}

  add(value: string | undefined): void {
    const v = value?.trim()
    if (!v || this.values.has(v)) return
    const forms = formsOf(v)
    if (forms.length === 0) return
    this.values.add(v)
    // the runner masks line by line: a value with line breaks is masked whole (as typed) and by its lines
    const lines = v.split(/\r\n|\r|\n/).map(l => l.trim())
    const parts = lines.length > 1 ? lines.filter(l => l.length >= MIN_FORM_CHARS) : []
    for (const form of [...forms, ...parts.flatMap(formsOf)]) {
      if (this.forms.has(form)) continue
      this.forms.add(form)
      this.mask(form)
    }
    this.longestFirst = undefined
  }

  /**
   * Every registered form replaced by `***`, the longest first (when one secret contains another, the outer one
   * goes whole). When undoing the text's escapes (decodeEscapes) shows a secret the forms missed (one echoed in a
   * mix of encodings), the decoded text is returned, redacted: a quote loses its escapes rather than leak.
   */
  redact(text: string): string {
    const out = this.replaceForms(text)
    if (!/[\\&%]/.test(out)) return out
    const decoded = decodeEscapes(out)
    if (decoded === out) return out
    const redacted = this.replaceForms(decoded)
    return redacted === decoded ? out : redacted
  }

  private replaceForms(text: string): string {
    // split/join rather than one regular expression: an IAM token is kilobytes, and a pattern of all its forms
    // takes a second to compile
    this.longestFirst ??= [...this.forms].sort((a, b) => b.length - a.length)
    let out = text
    for (const f of this.longestFirst) if (out.includes(f)) out = out.split(f).join('***')
    return out
  }
}

/** The proxy variables @actions/http-client reads (https_proxy before HTTPS_PROXY, and the same for http). */
const PROXY_ENV = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

/**
 * The secrets of a proxy URL such as http://user:p%40ss@proxy:3128: its password as written and as sent, and
 * `user:password`, whose base64 is the Proxy-Authorization header a proxy may echo back.
 */
export function proxySecrets(env: Record<string, string | undefined>): string[] {
  return PROXY_ENV.flatMap(name => {
    let url: URL
    try {
      url = new URL(env[name]?.trim() ?? '')
    } catch {
      return []
    }
    if (!url.password) return []
    const decoded = (v: string): string => {
      try {
        return decodeURIComponent(v)
      } catch {
        return v
      }
    }
    return [
      url.password,
      decoded(url.password),
      `${decoded(url.username)}:${decoded(url.password)}`
    ]
  })
}
