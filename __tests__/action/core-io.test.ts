/**
 * run() without arguments, as @github/local-action calls it: inputs, outputs, summary, masking and failure go
 * through @actions/core (INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, workflow commands).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coreIo } from '../../src/action/core-io.js'
import { run } from '../../src/main.js'
import { actionDefaults, parseOutputFile } from '../support/run-action.js'

const saved = { ...process.env }
let stdout: string
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cce-gate-core-'))
  writeFileSync(join(dir, 'output'), '')
  writeFileSync(join(dir, 'summary'), '')
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
  process.exitCode = undefined
})

function setInputs(inputs: Record<string, string>): void {
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs }))
    process.env[`INPUT_${k.toUpperCase()}`] = v
  process.env['GITHUB_OUTPUT'] = join(dir, 'output')
  process.env['GITHUB_STEP_SUMMARY'] = join(dir, 'summary')
}

describe('run() without arguments', () => {
  it('reads INPUT_* and answers through @actions/core', async () => {
    setInputs({
      'cluster-id': 'cluster-1',
      region: 'ap-southeast-1',
      'access-key-id': 'AKTEST',
      'secret-access-key': 'SK-core-secret',
      interval: 'soon'
    })
    await run()
    expect(stdout).toContain('::add-mask::SK-core-secret')
    expect(stdout).toMatch(/^::error::Input interval/m)
    expect(process.exitCode).toBe(1)
    expect(parseOutputFile(readFileSync(join(dir, 'output'), 'utf8'))).toMatchObject({
      result: 'error'
    })
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('cluster-1')
  })

  it('asks @actions/core for the ID token', async () => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    await expect(coreIo().getIDToken('aud')).rejects.toThrow(/ACTIONS_ID_TOKEN_REQUEST_URL/)
  })
})
