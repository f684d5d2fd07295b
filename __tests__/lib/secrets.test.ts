/**
 * Secrets (src/lib/secrets.ts) and the forms it masks (src/lib/encodings.ts), checked against echo-forms.mjs: how
 * servers, gateways and proxies echo a value, written independently of src/.
 */
import { describe, expect, it } from '@jest/globals'
import { Secrets } from '../../src/lib/secrets.js'
import { decodeEscapes, formsOf } from '../../src/lib/encodings.js'
import { mapStrings } from '../../src/lib/json.js'
import { echoForms } from '../support/echo-forms.mjs'

/** Each kind of secret the action holds, with the characters it can carry. */
const SECRETS = {
  'secret access key': 'Tr4nsp0rtSecretKeyAlpha0123456789ABCDEFGH',
  'access key ID': 'HPUAXYZ0123456789ABC',
  'IAM token (base64)': 'MIIEXAYJKoZIhvcNAQcCoIIETTCCBEkCAQExDTALBglghkgBZQMEAgEwgg+/abc+def/ghi==',
  'OIDC ID token (JWT)': 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8vYXBwIn0.c2ln-bmF0_dXJl',
  'proxy password': 'p@ss w/rd&more+=%!*',
  'security token': 'gQpjbi1ub3J0aC00iDfbmFtZSI6Ik5QX0VEd/WmJaaHlCeW1uMS00cVhvT3R+xZz='
}

function registered(value: string) {
  const masked: string[] = []
  const s = new Secrets(v => masked.push(v))
  s.add(value)
  return { s, masked }
}

describe.each(Object.entries(SECRETS))('a %s', (_, secret) => {
  const forms = Object.entries(echoForms(secret))

  /** Inside a longer base64 text, only the characters that also encode the bytes around the secret stay. */
  const embedded = /^(basicAuth|base64Offset)/

  it.each(forms.filter(([name]) => !embedded.test(name)))(
    'echoed %s is redacted whole',
    (_name, form) => {
      const { s } = registered(secret)
      expect(s.redact(`before ${form} after`)).toBe('before *** after')
    }
  )

  it.each(forms.filter(([name]) => embedded.test(name)))(
    'echoed %s is redacted but for the bytes around it',
    (_name, form) => {
      const { s } = registered(secret)
      const out = s.redact(`before ${form} after`)
      const kept = /^before ([A-Za-z0-9+/]*)\*\*\*([A-Za-z0-9+/=]*) after$/.exec(out)
      expect(kept).not.toBeNull()
      // "gate-user:" (10 bytes) is 14 characters of base64; "<<" and ">>" are 3 and 4
      expect(kept![1]!.length).toBeLessThanOrEqual(14)
      expect(kept![2]!.length).toBeLessThanOrEqual(4)
    }
  )

  it.each(forms.filter(([name]) => !name.startsWith('mixed')))(
    'echoed %s is registered with the runner',
    (_name, form) => {
      const { masked } = registered(secret)
      // the runner masks a registered value wherever it occurs: one of them must lie inside the form
      expect(masked.some(m => form.includes(m))).toBe(true)
    }
  )
})

describe('Secrets.add', () => {
  it('masks each form once, the value itself first', () => {
    const { s, masked } = registered('ST/abc+def=')
    s.add(' ST/abc+def= ')
    expect(masked[0]).toBe('ST/abc+def=')
    expect(masked).toEqual(expect.arrayContaining(['ST%2Fabc%2Bdef%3D', 'ST%2fabc%2bdef%3d']))
    expect(new Set(masked).size).toBe(masked.length)
  })

  it('masks nothing shorter than 3 characters: it would hide innocent text everywhere', () => {
    for (const v of ['a', 'ab', ' x ']) {
      const { s, masked } = registered(v)
      expect(masked).toEqual([])
      expect(s.redact('a b ab x')).toBe('a b ab x')
    }
    expect(registered('abc').masked).toEqual(['abc'])
  })

  it('registers no form shorter than 8 characters other than the value itself', () => {
    const { masked } = registered('a/b')
    expect(masked[0]).toBe('a/b')
    for (const m of masked.slice(1)) expect(m.length).toBeGreaterThanOrEqual(8)
    // a/b's %-encoding (a%2Fb, 5 characters) is not masked by itself, yet never shown: it decodes to a/b
    expect(masked).not.toContain('a%2Fb')
    expect(registered('a/b').s.redact('x a%2Fb y')).toBe('x *** y')
  })

  it('masks a value with line breaks whole and by its lines of 8 characters or more, as the runner masks line by line', () => {
    const { masked, s } = registered('first-line-0001\n}\nsecond-line-0002')
    expect(masked).toEqual(
      expect.arrayContaining([
        'first-line-0001\n}\nsecond-line-0002',
        'first-line-0001',
        'second-line-0002'
      ])
    )
    expect(masked).not.toContain('}')
    expect(s.redact('a first-line-0001 b')).toBe('a *** b')
  })

  it('never registers base64 pieces shorter than 8 characters', () => {
    for (const m of formsOf('abcdefgh').slice(1)) expect(m.length).toBeGreaterThanOrEqual(8)
  })
})

describe('Secrets.redact', () => {
  it('leaves innocent text as it is, escapes and all', () => {
    const { s } = registered('MIIsecretToken/abc+def==')
    const lines = [
      'GET https://cce.example/api/v3/projects/p/clusters/c?name=a%20b (timeout 15s)',
      'HTTP 403 APIGW.0301: &lt;html&gt; \\u0041 100% done',
      '{"a":"b\\/c"}'
    ]
    for (const l of lines) expect(s.redact(l)).toBe(l)
  })

  it('replaces a secret that contains another whole, whichever was added first', () => {
    for (const order of [
      ['abc123', 'xx-abc123-yy'],
      ['xx-abc123-yy', 'abc123']
    ]) {
      const s = new Secrets(() => undefined)
      for (const v of order) s.add(v)
      expect(s.redact('[xx-abc123-yy] [abc123]')).toBe('[***] [***]')
    }
  })

  it('decodes a text in which a secret hides in a mix of encodings, and redacts it', () => {
    const { s } = registered('MIIsecretToken/abc+def==')
    expect(s.redact('token=MIIsecretToken\\u002Fabc%2Bdef&#x3D;= &amp; more')).toBe(
      'token=*** & more'
    )
  })

  it('redacts every string of a parsed answer, keys and other values kept', () => {
    const { s } = registered('MIIsecretToken/abc+def==')
    expect(
      mapStrings(
        {
          a: ['x MIIsecretToken/abc+def== y', 1, null],
          b: { c: 'MIIsecretToken%2Fabc%2Bdef%3D%3D' },
          d: true
        },
        t => s.redact(t)
      )
    ).toEqual({ a: ['x *** y', 1, null], b: { c: '***' }, d: true })
  })
})

describe('decodeEscapes', () => {
  it('undoes JSON, HTML and percent escapes, up to three layers deep, and leaves + alone', () => {
    expect(decodeEscapes('a\\/b \\u0026 &#47;&#x2f;&#X2F;&sol;&amp; %2f%2F %25252F +')).toBe(
      'a/b & ////& // / +'
    )
    expect(decodeEscapes('&unknown; &#0; &#x110000; %zz %E2%82')).toBe(
      '&unknown; &#0; &#x110000; %zz %E2%82'
    )
  })
})

describe('Secrets', () => {
  it('redacts registered secrets and masks each once', () => {
    const masked: string[] = []
    const s = new Secrets(v => masked.push(v))
    s.add('abc')
    s.add(' abc ')
    s.add('')
    s.add(undefined)
    expect(masked).toEqual(['abc'])
    expect(s.redact('xabcxabc')).toBe('x***x***')
  })
})
