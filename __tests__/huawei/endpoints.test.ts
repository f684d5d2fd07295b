import { describe, expect, it } from '@jest/globals'
import { joinUrl } from '../../src/huawei/endpoints.js'

describe('joinUrl', () => {
  it('joins base URLs with path prefixes and queries', () => {
    expect(joinUrl(new URL('https://h/prefix/'), '/v3/projects', { name: 'a b' }).href).toBe(
      'https://h/prefix/v3/projects?name=a%20b'
    )
    expect(joinUrl(new URL('https://h'), '/x').href).toBe('https://h/x')
  })
})
