/**
 * The forms in which an API, a gateway or a proxy may echo a value (JSON, percent, HTML and base64 encodings), and
 * the decoding that undoes them in text we quote: what Secrets registers with the runner and scrubs from our text.
 */

/** Shorter than this, a value is not masked at all: masking it would hide innocent text everywhere in the log. */
export const MIN_SECRET_CHARS = 3
/**
 * A form other than the value itself (an encoding, a line of a value with line breaks, a piece of a longer base64
 * text) shorter than this is not registered: too short to tell from innocent text.
 */
export const MIN_FORM_CHARS = 8

const hex = (n: number, width: number, upper: boolean): string => {
  const h = n.toString(16).padStart(width, '0')
  return upper ? h.toUpperCase() : h
}

/** One way of escaping a character: undefined leaves it as it is. */
type Escape = (c: string) => string

const jsonShort: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
}
/** What JSON must escape whatever the encoder: `"`, `\` and control characters. */
const jsonMust = (c: string): string =>
  jsonShort[c] ?? (c < ' ' ? `\\u${hex(c.charCodeAt(0), 4, false)}` : c)
/** `\uXXXX` for each UTF-16 unit of the character. */
const jsonU =
  (upper: boolean): Escape =>
  c =>
    Array.from({ length: c.length }, (_, i) => `\\u${hex(c.charCodeAt(i), 4, upper)}`).join('')
const percent =
  (upper: boolean): Escape =>
  c =>
    Array.from(Buffer.from(c, 'utf8'), b => `%${hex(b, 2, upper)}`).join('')

const NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '/': '&sol;',
  '+': '&plus;',
  '=': '&equals;',
  '%': '&percnt;',
  ':': '&colon;',
  '@': '&commat;',
  '#': '&num;',
  '!': '&excl;',
  '?': '&quest;',
  $: '&dollar;',
  '*': '&ast;',
  ',': '&comma;',
  ';': '&semi;',
  '(': '&lpar;',
  ')': '&rpar;',
  '[': '&lsqb;',
  ']': '&rsqb;',
  '{': '&lcub;',
  '}': '&rcub;',
  '|': '&vert;',
  '~': '&tilde;',
  '^': '&Hat;',
  '`': '&grave;',
  _: '&lowbar;',
  '.': '&period;'
}
const cp = (c: string): number => c.codePointAt(0) ?? 0
const htmlDec: Escape = c => `&#${cp(c)};`
const htmlHex =
  (upper: boolean): Escape =>
  c =>
    `&#x${hex(cp(c), 1, upper)};`
/** `& < > "` named, the others numeric: what most HTML escapers write (`&amp;` next to `&#x2F;`). */
const HTML_CORE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const htmlMixed =
  (numeric: Escape): Escape =>
  c =>
    HTML_CORE[c] ?? numeric(c)

/** Each scheme escapes the characters chosen for it and leaves the others; JSON always escapes what it must. */
const SCHEMES: { escape: Escape; rest: Escape }[] = [
  { escape: jsonU(false), rest: jsonMust },
  { escape: jsonU(true), rest: jsonMust },
  { escape: c => (c === '/' ? '\\/' : jsonMust(c)), rest: jsonMust },
  { escape: percent(true), rest: c => c },
  { escape: percent(false), rest: c => c },
  { escape: c => (c === ' ' ? '+' : percent(true)(c)), rest: c => c },
  { escape: c => NAMED[c] ?? htmlHex(true)(c), rest: c => c },
  { escape: htmlDec, rest: c => c },
  { escape: htmlHex(false), rest: c => c },
  { escape: htmlHex(true), rest: c => c },
  { escape: htmlMixed(htmlDec), rest: c => c },
  { escape: htmlMixed(htmlHex(false)), rest: c => c },
  { escape: htmlMixed(htmlHex(true)), rest: c => c }
]

/** The characters well-known encoders escape, beyond the ones they must (the rest they leave as they are). */
const PROFILES: string[] = [
  '&<>"\'', // HTML escapers (lodash, Go's html.EscapeString)
  '&<>"\'/', // OWASP's HTML escaping
  '/+=&', // base64's characters and &, in HTML or JSON
  '+&<>\'"`', // .NET's JSON and HTML encoders
  '&<>', // Go's JSON encoder
  ' "#$%&+,/:;<=>?@[\\]^`{|}', // encodeURIComponent (leaves - _ . ~ ! ' ( ) *)
  ' "#$%&+,/:;<=>?@[\\]^`{|}!\'()*', // RFC 3986 strict percent-encoding
  ' "%<>[\\]^`{|}' // encodeURI (leaves the URL's own delimiters)
]

/**
 * Which of a value's special characters an encoder escapes varies (PHP writes `\/`, .NET `\u002B` for `+` but
 * leaves `/`, an HTML escaper `&#x2F;` for `/` but leaves `+` and `=`): every choice when there are few kinds of
 * them (a base64 token has at most three: `+ / =`), else none, all, all but one, only one, and what each of
 * PROFILES escapes.
 */
function choicesOf(special: string[]): Set<string>[] {
  if (special.length <= 3) {
    return Array.from(
      { length: 2 ** special.length },
      (_, mask) => new Set(special.filter((_, i) => mask & (1 << i)))
    )
  }
  return [
    new Set<string>(),
    new Set(special),
    ...special.map(c => new Set([c])),
    ...special.map(c => new Set(special.filter(d => d !== c))),
    ...PROFILES.map(p => new Set(special.filter(c => p.includes(c))))
  ]
}

/** Where a piece of `value` inside a longer base64 text shows whole: at each of the three byte offsets. */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const forms = [bytes.toString('base64'), bytes.toString('base64url')]
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const first = Math.ceil((8 * shift) / 6)
    const last = Math.floor((8 * (shift + bytes.length)) / 6)
    const piece = b64.slice(first, last)
    forms.push(piece, piece.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return forms
}

/**
 * Every form of `value` worth masking: itself, then its encodings (JSON with `\/` or `\uXXXX`, percent-encoding
 * in upper and lower case, HTML named, decimal and hex entities, base64 whole and as a piece of a longer text);
 * forms shorter than MIN_FORM_CHARS are left out. Empty when the value itself is shorter than MIN_SECRET_CHARS.
 */
export function formsOf(value: string): string[] {
  if (value.length < MIN_SECRET_CHARS) return []
  const chars = [...value]
  const special = [...new Set(chars.filter(c => !/[A-Za-z0-9]/.test(c)))]
  const forms = new Set<string>([value])
  for (const scheme of SCHEMES) {
    for (const chosen of choicesOf(special)) {
      forms.add(chars.map(c => (chosen.has(c) ? scheme.escape(c) : scheme.rest(c))).join(''))
    }
  }
  for (const f of base64Forms(value)) forms.add(f)
  return [...forms].filter(f => f === value || f.length >= MIN_FORM_CHARS)
}

const ENTITIES: Record<string, string> = Object.fromEntries(
  Object.entries(NAMED).map(([c, name]) => [name.slice(1, -1), c])
)
ENTITIES['apos'] = "'"
ENTITIES['nbsp'] = ' '
ENTITIES['slash'] = '/'
ENTITIES['sol'] = '/'

function fromCodePoint(n: number): string | undefined {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined
}

function decodeOnce(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\([/"\\])/g, '$1')
    .replace(
      /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,8}));/g,
      (m, dec?: string, hx?: string, name?: string) =>
        (dec !== undefined
          ? fromCodePoint(Number(dec))
          : hx !== undefined
            ? fromCodePoint(parseInt(hx, 16))
            : (ENTITIES[name ?? ''] ?? ENTITIES[(name ?? '').toLowerCase()])) ?? m
    )
    .replace(/(?:%[0-9a-fA-F]{2})+/g, run => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
}

/**
 * `text` with JSON string escapes (`\/`, `\uXXXX`), HTML entities and percent-encoding undone, up to three layers
 * deep (an HTML page quoting a JSON body quoting a URL); `+` is left alone (a base64 token holds it).
 */
export function decodeEscapes(text: string): string {
  let out = text
  for (let i = 0; i < 3; i++) {
    const next = decodeOnce(out)
    if (next === out) break
    out = next
  }
  return out
}
