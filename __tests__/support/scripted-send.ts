import type { HttpRequest, HttpResponse, Send } from '../../src/huawei/transport.js'
import { TransportError } from '../../src/huawei/transport.js'

export type Step =
  | Partial<HttpResponse>
  | TransportError
  | ((req: HttpRequest) => Partial<HttpResponse> | TransportError)

/** A Send that answers from a script (the last step repeats) and records every request. */
export function scriptedSend(steps: Step[]): Send & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = []
  const send = (async (req: HttpRequest) => {
    requests.push(req)
    const raw = steps[Math.min(requests.length - 1, steps.length - 1)]
    const step = typeof raw === 'function' ? raw(req) : raw
    if (step instanceof TransportError) throw step
    return {
      status: 200,
      headers: { 'x-request-id': `req-${requests.length}` },
      body: '',
      ...step
    } as HttpResponse
  }) as Send & { requests: HttpRequest[] }
  send.requests = requests
  return send
}

export function taskBody(
  phase: string,
  progress = '0.00',
  extra: Record<string, unknown> = {}
): string {
  return JSON.stringify({
    kind: 'UpgradeTask',
    apiVersion: 'v3',
    metadata: {
      uid: 'task-1',
      creationTimestamp: '2026-11-24 10:00:00.5 +0800 CST',
      updateTimestamp: ''
    },
    spec: { version: 'v1.28.3-r4', targetVersion: 'v1.29.5-r0', items: {} },
    status: {
      phase,
      progress,
      completionTime:
        phase === 'Success' || phase === 'Failed' ? '2026-11-24 10:20:00 +0800 CST' : ''
    },
    ...extra
  })
}

export function recordingLog() {
  const lines: { level: 'debug' | 'info' | 'warning'; text: string }[] = []
  return {
    lines,
    debug: (text: string) => void lines.push({ level: 'debug', text }),
    info: (text: string) => void lines.push({ level: 'info', text }),
    warning: (text: string) => void lines.push({ level: 'warning', text }),
    of: (level: 'debug' | 'info' | 'warning') =>
      lines.filter(l => l.level === level).map(l => l.text)
  }
}
