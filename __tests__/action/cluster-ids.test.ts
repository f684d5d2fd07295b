import { describe, expect, it } from '@jest/globals'
import { MAX_CLUSTERS, clusterIdsFrom, readConfig } from '../../src/action/inputs.js'
import { InputError } from '../../src/lib/config.js'
import { Secrets } from '../../src/lib/secrets.js'
import { UNIT_INPUTS } from '../support/unit-inputs.js'

const config = (inputs: Record<string, string>) =>
  readConfig(
    n => ({ ...UNIT_INPUTS, 'task-id': '', ...inputs })[n] ?? '',
    {},
    new Secrets(() => undefined)
  )

describe('cluster-id: one ID or several', () => {
  it('takes one per line, or separated by commas or spaces, blank lines and a trailing newline ignored', () => {
    expect(clusterIdsFrom('a')).toEqual(['a'])
    expect(clusterIdsFrom('a\nb\n\n  c\n')).toEqual(['a', 'b', 'c'])
    expect(clusterIdsFrom('a, b,c')).toEqual(['a', 'b', 'c'])
    expect(clusterIdsFrom('a b\tc')).toEqual(['a', 'b', 'c'])
    expect(clusterIdsFrom('a,\nb')).toEqual(['a', 'b'])
  })

  it.each([
    ['a,,b', /empty entry/],
    [',a', /empty entry/],
    ['a,', /empty entry/],
    ['a, ,b', /empty entry/],
    ['a b a', /names cluster a twice \(entry 3\)/],
    ['a b/c', /Entry 2 of input cluster-id is not a valid ID/],
    ['../x', /^Input cluster-id is not a valid ID/],
    ['', /Input cluster-id is required/]
  ])('refuses %p', (value, message) => {
    expect(() => clusterIdsFrom(value)).toThrow(InputError)
    expect(() => clusterIdsFrom(value)).toThrow(message)
  })

  it(`takes at most ${MAX_CLUSTERS}`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join('\n')
    expect(clusterIdsFrom(ids(MAX_CLUSTERS))).toHaveLength(MAX_CLUSTERS)
    expect(() => clusterIdsFrom(ids(MAX_CLUSTERS + 1))).toThrow(
      /names 201 clusters: at most 200 in one step/
    )
  })

  it('several refuse task-id and workflow-id; one cluster takes them as ever', () => {
    expect(() => config({ 'cluster-id': 'a b', 'task-id': 't' })).toThrow(
      /^Input task-id is set with 2 clusters in cluster-id: task-id names one cluster's upgrade/
    )
    expect(() => config({ 'cluster-id': 'a,b,c', 'workflow-id': 'w' })).toThrow(
      /^Input workflow-id is set with 3 clusters/
    )
    expect(config({ 'cluster-id': 'a', 'task-id': 't' })).toMatchObject({
      clusterId: 'a',
      clusterIds: ['a'],
      target: { kind: 'task', taskId: 't' }
    })
    expect(config({ 'cluster-id': 'a\nb', 'max-age': '2h' })).toMatchObject({
      clusterId: 'a',
      clusterIds: ['a', 'b'],
      target: { kind: 'current' },
      maxAgeMs: 7_200_000
    })
  })

  it('fail-fast is true or false, false by default', () => {
    expect(config({ 'cluster-id': 'a b' }).failFast).toBe(false)
    expect(config({ 'cluster-id': 'a b', 'fail-fast': 'true' }).failFast).toBe(true)
    expect(() => config({ 'cluster-id': 'a b', 'fail-fast': 'yes' })).toThrow(
      'Input fail-fast is "yes": accepted values are true or false'
    )
  })
})
