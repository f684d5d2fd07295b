/**
 * The wait for the GitHub OIDC ID token (outside Api.call, bounded by api.bounded) ends at once on cancellation,
 * and at the deadline, even when the token request never answers.
 */
import { describe, expect, it } from '@jest/globals'
import { CancelledError, type Clock } from '../src/lib/clock.js'
import { run } from '../src/main.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { scriptedSend } from './support/scripted-send.js'

const inputs = {
  'cluster-id': 'cluster-1',
  'task-id': 'task-1',
  region: 'ap-southeast-1',
  'project-id': 'proj-1',
  'identity-provider': 'github-idp',
  timeout: '10m',
  interval: '15s',
  'on-pause': 'wait'
}
const env = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x?a=1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token'
}

/** A clock whose time stands still: its sleeps end only when aborted, so only cancellation can end a wait. */
class StoppedClock implements Clock {
  readonly sleeps: number[] = []
  now = (): number => Date.UTC(2026, 10, 24, 12, 0, 0)
  monotonic = (): number => Date.UTC(2026, 10, 24, 12, 0, 0)
  random = (): number => 0.5
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms)
    return new Promise((_, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true })
    })
  }
}

/** Fails, rather than hangs, when `p` has not settled within `ms` of real time. */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run() had not ended ${ms} ms later`)), ms)
  })
  try {
    return await Promise.race([p, limit])
  } finally {
    clearTimeout(timer)
  }
}

const never = (): Promise<string> => new Promise<string>(() => undefined)

describe('waiting for the GitHub ID token', () => {
  it('ends at once with result cancelled when cancelled while the token request hangs', async () => {
    const cancel = new AbortController()
    let asked = 0
    const { io, rec } = recordingIo(inputs, env, () => {
      asked++
      setImmediate(() => cancel.abort())
      return never()
    })
    const send = scriptedSend([{ status: 500 }])
    const clock = new StoppedClock()
    await within(2000, run(io, { send, clock, signal: cancel.signal }))
    expect(asked).toBe(1)
    expect(clock.sleeps).toEqual([10 * 60_000]) // bounded by the time left, and by nothing else
    expect(send.requests).toEqual([])
    expect(rec.outputs).toMatchObject({ result: 'cancelled' })
    expect(rec.failed).toEqual([expect.stringMatching(/^Cancelled after /)])
  })

  it('ends at the deadline with result timeout when the token request never answers', async () => {
    const { io, rec } = recordingIo(inputs, env, never)
    const send = scriptedSend([{ status: 500 }])
    const clock = new FakeClock()
    await within(2000, run(io, { send, clock }))
    expect(clock.sleeps).toEqual([10 * 60_000])
    expect(send.requests).toEqual([])
    expect(rec.outputs).toMatchObject({ result: 'timeout' })
    expect(rec.failed).toEqual([expect.stringMatching(/^Timed out after 10m/)])
  })
})
