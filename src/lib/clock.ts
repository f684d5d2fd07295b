/** Time as the waiting logic sees it: injected, so tests run a 60-minute wait in milliseconds. */
export interface Clock {
  now(): number
  /** Resolves after `ms`, or rejects with a CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1) for jitter. */
  random(): number
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  /** `lastProblem`: how the request being retried when the run was cancelled had failed. */
  constructor(readonly lastProblem?: string) {
    super('cancelled')
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(new CancelledError())
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms)
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}
