// @ts-check
/**
 * The ways a server, a gateway or a proxy echoes a value back, written here from what such encoders do (sharing
 * nothing with src/lib/encodings.ts): the fake API's `echo` option sends them, and the tests look for each.
 */

/** @param {string} s @param {RegExp} which @param {(c: string) => string} esc */
const escapeSome = (s, which, esc) => [...s].map(c => (which.test(c) ? esc(c) : c)).join('')
/** @param {string} c */
const code = c => /** @type {number} */ (c.codePointAt(0))
/** @param {string} c @param {boolean} upper */
const u4 = (c, upper) => {
  const h = `\\u${code(c).toString(16).padStart(4, '0')}`
  return upper ? h.toUpperCase().replace('\\U', '\\u') : h
}
const json = (/** @type {string} */ s) => JSON.stringify(s).slice(1, -1)
/** @param {string} s */
const strictPercent = s =>
  encodeURIComponent(s).replace(/[!'()*]/g, c => `%${code(c).toString(16).toUpperCase()}`)

/**
 * Each form by name: how JSON encoders (standard, PHP's `\/`, Go's and .NET's `\uXXXX`, all escaped), URL and form
 * encoders (upper and lower case), HTML escapers (named, decimal, hex, OWASP's) and base64 (whole, and inside a
 * longer base64 text such as a Basic authorization header) write `s`; `mixed` are forms no single encoder writes
 * (only a decoder sees through them).
 * @param {string} s
 * @returns {Record<string, string>}
 */
export function echoForms(s) {
  const special = /[^A-Za-z0-9]/
  return {
    raw: s,
    json: json(s),
    jsonSlash: json(s).replace(/\//g, '\\/'),
    jsonAllLower: escapeSome(s, special, c => u4(c, false)),
    jsonAllUpper: escapeSome(s, special, c => u4(c, true)),
    jsonDotNet: escapeSome(s, /[+&<>'"`]/, c => u4(c, true)),
    jsonGo: escapeSome(s, /[&<>]/, c => u4(c, false)),
    percent: encodeURIComponent(s),
    percentLower: encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase()),
    percentStrict: strictPercent(s),
    percentStrictLower: strictPercent(s).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase()),
    form: encodeURIComponent(s).replace(/%20/g, '+'),
    htmlOwasp: escapeSome(
      s,
      /[&<>"'/]/,
      c =>
        ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ??
        `&#x${code(c).toString(16).toUpperCase()};`
    ),
    htmlSlashOnly: escapeSome(s, /\//, () => '&#x2F;'),
    htmlDecimal: escapeSome(s, special, c => `&#${code(c)};`),
    htmlHexLower: escapeSome(s, special, c => `&#x${code(c).toString(16)};`),
    htmlNamed: escapeSome(
      s,
      /[/+=&]/,
      c =>
        /** @type {Record<string, string>} */ ({
          '/': '&sol;',
          '+': '&plus;',
          '=': '&equals;',
          '&': '&amp;'
        })[c] ?? c
    ),
    base64: Buffer.from(s).toString('base64'),
    base64url: Buffer.from(s).toString('base64url'),
    basicAuth: Buffer.from(`gate-user:${s}`).toString('base64'),
    base64Offset1: Buffer.from(`<${s}>`).toString('base64'),
    base64Offset2: Buffer.from(`<<${s}>>`).toString('base64'),
    mixedJsonPercent: escapeSome(s, special, c => (c === '/' ? '\\u002F' : encodeURIComponent(c))),
    mixedDoublePercent: encodeURIComponent(encodeURIComponent(s)),
    mixedHtmlOfJson: escapeSome(s, /\//, () => '&#x5C;u002f')
  }
}

/** All the forms of each value, one per line: what the fake API's `echo` option writes into an answer. */
export function echoText(/** @type {string[]} */ values) {
  return values.flatMap(v => Object.values(echoForms(v))).join('\n')
}
