import { formatDuration, formatElapsed } from './duration.js'
import { percent, versions } from './progress.js'
import type { WaitResult } from './waiter.js'

export interface Target {
  clusterId: string
  taskId?: string
  timeoutMs: number
}

export interface EndReport {
  passed: boolean
  /** The one line that says what happened and what to do next. */
  message: string
  outputs: Record<string, string>
  summary: string
}

const RESULT_TEXT: Record<WaitResult['end'], string> = {
  success: '✅ Success',
  failed: '❌ Failed',
  paused: '⏸️ Paused',
  timeout: '⌛ Timed out',
  cancelled: '🚫 Cancelled',
  error: '❌ Error'
}

export function endReport(r: WaitResult, t: Target): EndReport {
  return {
    passed: r.passed,
    message: endMessage(r, t),
    outputs: outputsOf(r, t),
    summary: summaryOf(r, t)
  }
}

function lastSeen(r: WaitResult): string {
  const task = r.last?.task
  return task ? `last phase ${task.phase}, progress ${percent(task.progress)}` : 'no poll succeeded'
}

function endMessage(r: WaitResult, t: Target): string {
  const task = r.last?.task
  const taskId = task?.uid || t.taskId || '(unknown)'
  const subject = `upgrade task ${taskId} of cluster ${t.clusterId}`
  const took = formatElapsed(r.endedAt - r.startedAt)
  const requestId = r.last?.requestId
    ? `; request ID of the last response: ${r.last.requestId}`
    : ''
  switch (r.end) {
    case 'success':
      return `The ${subject} succeeded (${versions(task!)}, ${percent(task!.progress)}) after ${took} of waiting: the cluster is upgraded.`
    case 'failed':
      return `The ${subject} Failed at ${percent(task!.progress)} (${versions(task!)})${requestId}. The cluster may be partly upgraded: do not deploy onto it. See the task in the CCE console (cluster → Upgrade) and give Huawei support the request ID; re-run this job after the upgrade has been retried.`
    case 'paused':
      return r.passed
        ? `The ${subject} is paused at ${percent(task!.progress)} (${versions(task!)}); on-pause: succeed lets the pipeline go on with a partly upgraded cluster.`
        : `The ${subject} is paused at ${percent(task!.progress)} (${versions(task!)}) and on-pause is fail. A person must resume it (Continue in the CCE console, or POST …/clusters/${t.clusterId}/operation/upgrade/continue); then re-run this job.`
    case 'timeout':
      return `Timed out after ${formatDuration(t.timeoutMs)} waiting for the ${subject}: ${lastSeen(r)}${r.problem ? `; last error: ${r.problem}` : ''}${requestId}. The upgrade may still be running: re-run this job to wait again, or raise the timeout input.`
    case 'cancelled':
      return `Cancelled after ${took} while waiting for the ${subject}: ${lastSeen(r)}. The upgrade itself goes on; nothing was deployed.`
    case 'error':
      return r.problem ?? `Stopped waiting for the ${subject}.`
  }
}

function outputsOf(r: WaitResult, t: Target): Record<string, string> {
  const out: Record<string, string> = { result: r.end }
  const taskId = r.last?.task.uid || t.taskId
  if (taskId) out['taskId'] = taskId
  const task = r.last?.task
  if (task) {
    Object.assign(out, {
      phase: task.phase,
      progress: task.progress,
      version: task.version,
      targetVersion: task.targetVersion,
      completionTime: task.completionTime
    })
  }
  return out
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function summaryOf(r: WaitResult, t: Target): string {
  const task = r.last?.task
  const rows: [string, string][] = [
    ['Cluster', `\`${t.clusterId}\``],
    ['Task', `\`${task?.uid || t.taskId || 'unknown'}\``],
    ['Versions', task ? versions(task) : 'unknown'],
    ['Result', `${RESULT_TEXT[r.end]}${r.passed ? '' : ' (step failed)'}`],
    ['Phase', task?.phase ?? 'unknown'],
    ['Progress', task ? percent(task.progress) : 'unknown'],
    ['Waited', formatElapsed(r.endedAt - r.startedAt)],
    ['Polls', String(r.polls)]
  ]
  if (task?.completionTime && (task.phase === 'Success' || task.phase === 'Failed')) {
    rows.push(['Completed', task.completionTime])
  }
  if (r.last?.requestId) rows.push(['Last request ID', `\`${r.last.requestId}\``])
  const lines = [
    '## CCE upgrade gate',
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
    `> ${cell(endMessage(r, t))}`,
    ''
  ]
  if (r.timeline.length) {
    lines.push('### Timeline', '', '| Elapsed | Phase | Progress |', '| --- | --- | --- |')
    for (const o of r.timeline) {
      lines.push(
        `| ${formatElapsed(o.at - r.startedAt)} | ${cell(o.task.phase)} | ${cell(percent(o.task.progress))} |`
      )
    }
    lines.push('')
  }
  return lines.join('\n')
}
