import { describeUnreadable } from '../cce/list.js'
import { PreCheckItem, describeItem } from '../cce/precheck.js'
import {
  type Workflow,
  awaitingUpgradeStart,
  awaitsOnlyPostCheck,
  isAbandoned,
  isKnownPhase
} from '../cce/workflow.js'
import { Observation, Upgrade, taskOf, workflowOf } from '../gate/observation.js'
import type { Failure, WaitReason } from '../gate/verdict.js'
import { WaitResult, passed } from '../gate/waiter.js'
import type { WaitTarget } from '../lib/config.js'
import { formatDuration, formatElapsed } from '../lib/duration.js'
import { reachAdvice } from '../huawei/api.js'
import { percent, upgradeVersions } from './progress.js'
import { ganttChart, stepDuration } from './gantt.js'

export interface Target {
  clusterId: string
  target: WaitTarget
  timeoutMs: number
  /** `timeout` was a bare number, read as seconds: a timeout message says so. */
  timeoutBareNumber?: boolean
  maxAgeMs?: number
  /**
   * API time − monotonic reading (Api.apiClockOffsetMs), once an answer said the API's time: the wait's bar in the
   * steps chart is drawn by the API's clock, which dates the steps. Without it, the wait's own readings.
   */
  apiClockOffsetMs?: number
}

export interface EndReport {
  passed: boolean
  /** The one line that says what happened and what to do next. */
  message: string
  outputs: Record<string, string>
  summary: string
}

/** How many blocking pre-check items the one-line message names; the summary lists them all. */
const ITEMS_IN_MESSAGE = 3

const RESULT_TEXT: Record<WaitResult['end'], string> = {
  success: '✅ Success',
  failed: '❌ Failed',
  paused: '⏸️ Paused',
  timeout: '⌛ Timed out',
  cancelled: '🚫 Cancelled',
  error: '❌ Error',
  upgrading: '⏳ Upgrade under way'
}

/** Guard use: no ID and no max-age; the step holds deploys only while an upgrade is under way or after a failed one. */
function isGuard(t: Target): boolean {
  return t.target.kind === 'current' && t.maxAgeMs === undefined
}

/** What to do after each step of a workflow failed, and what it means for the cluster. */
const STEP_CONSEQUENCE: Record<string, string> = {
  PreCheck: 'The upgrade did not start; the cluster is unchanged.',
  Snapshot:
    'The upgrade did not start (the cluster backup before it failed); the cluster is unchanged.',
  Cluster: 'The cluster may be partly upgraded: do not deploy onto it.',
  PostCheck:
    'The cluster was upgraded but failed its post-upgrade check: do not deploy onto it until the check passes.',
  Rollback:
    'The rollback failed: the cluster may be in an inconsistent state; do not deploy onto it.'
}

export function endReport(r: WaitResult, t: Target, warnings: string[] = []): EndReport {
  return {
    passed: passed(r),
    message: endMessage(r, t),
    outputs: outputsOf(r, t),
    summary: summaryOf(r, t, warnings)
  }
}

function subjectOf(u: Upgrade | undefined, t: Target): string {
  const w = u && workflowOf(u)
  if (w) return `upgrade workflow ${w.uid} of cluster ${t.clusterId}`
  const task = u && taskOf(u)
  if (task) return `upgrade task ${task.uid} of cluster ${t.clusterId}`
  switch (t.target.kind) {
    case 'task':
      return `upgrade task ${t.target.taskId} of cluster ${t.clusterId}`
    case 'workflow':
      return `upgrade workflow ${t.target.workflowId} of cluster ${t.clusterId}`
    case 'current':
      return `current upgrade of cluster ${t.clusterId}`
  }
}

/** What the last observation showed, for timeout and cancellation messages. */
function lastSeen(last: Observation | undefined, t: Target): string {
  if (!last) return "no request succeeded, so the upgrade's state is unknown"
  const u = last.upgrade
  const cluster = last.cluster.kind === 'read' ? `, cluster ${last.cluster.status.phase}` : ''
  switch (u.kind) {
    case 'none':
      if (isGuard(t)) return `no upgrade under way${cluster}`
      return `no upgrade under way or ended${t.maxAgeMs === undefined ? '' : ` in the last ${formatDuration(t.maxAgeMs)}`}`
    case 'unreadable':
      return `an item of the upgrade lists could not be read and may be the current upgrade: ${describeUnreadable(u.item)}`
    case 'task':
      return `last phase ${u.task.phase}, progress ${percent(u.task.progress)}${cluster}`
    case 'workflow': {
      const step = u.workflow.steps.find(s => s.status !== 'Success')
      const parts = [`last seen: workflow ${u.workflow.phase}`]
      if (step) parts.push(`step ${step.type} ${step.status}`)
      if (u.task) parts.push(`task ${u.task.phase} at ${percent(u.task.progress)}`)
      return parts.join(', ') + cluster
    }
  }
}

function requestIdText(last: Observation | undefined): string {
  return last?.requestId ? `; request ID of the last response: ${last.requestId}` : ''
}

function failureMessage(f: Failure, last: Observation, t: Target): string {
  const u = last.upgrade
  const subject = subjectOf(u, t)
  const task = taskOf(u)
  const vs = upgradeVersions(u)
  const rid = requestIdText(last)
  switch (f.kind) {
    case 'task-failed':
      return `The ${subject} Failed at ${percent(task?.progress ?? '')} (${vs})${rid}. The cluster may be partly upgraded: do not deploy onto it. See the task in the CCE console (cluster → Upgrade) and give Huawei support the request ID; re-run this job after the upgrade has been retried.`
    case 'step-failed': {
      const at = f.step === 'Cluster' && task ? ` at ${percent(task.progress)}` : ''
      const consequence = STEP_CONSEQUENCE[f.step] ?? 'Do not deploy onto the cluster.'
      const items = f.step === 'PreCheck' ? ` ${preCheckText(f.blocking, last)}` : ''
      const next =
        f.step === 'PreCheck'
          ? 'Fix what blocks the upgrade (CCE console → cluster → Upgrade → pre-check), start the upgrade again, then re-run this job.'
          : 'See the workflow in the CCE console (cluster → Upgrade) and give Huawei support the request ID; re-run this job after the upgrade has been retried.'
      const status = f.status ? ` (${f.status})` : ''
      return `Step ${f.step}${status} of the ${subject} failed${at} (${vs})${rid}.${items} ${consequence} ${next}`
    }
    case 'workflow-rolled-back': {
      const claim =
        workflowOf(u)?.phase === 'Success' ? 'reports Success, but its' : 'is rolling back: its'
      return `The ${subject} ${claim} Rollback step ran (${vs})${rid}: the cluster is (going) back on its old version, so the upgrade did not take. Do not deploy what needs the new version; see the workflow in the CCE console (cluster → Upgrade), start the upgrade again, then re-run this job.`
    }
    case 'version-behind': {
      const c = f.cluster
      return `The ${subject} ended, but cluster ${t.clusterId} runs Kubernetes ${c.version}, older than the upgrade's target ${f.target}${rid}: it was rolled back, or the upgrade never took effect. Do not deploy what needs the new version; see the cluster and its upgrade history in the CCE console (cluster → Upgrade), upgrade again, then re-run this job.`
    }
    case 'precheck-expired':
      return `The ${subject} passed its pre-check, but its cluster upgrade was never started and the pre-check expired${f.expires ? ` at ${f.expires}` : ''} (${vs}): the cluster was not upgraded, and this workflow cannot go on. Run the pre-check again and start the upgrade in the CCE console (cluster → Upgrade), or cancel the workflow; then re-run this job with the new workflow's ID, or without workflow-id.`
    case 'workflow-cancelled':
      return `The ${subject} was cancelled (${vs}). A cancelled upgrade lets nothing deploy: start the upgrade again (or give the workflow-id or task-id of the upgrade to wait on), then re-run this job.`
    case 'paused':
      return `The ${subject} is paused at ${percent(task?.progress ?? '')} (${vs}) and on-pause is fail. A person must resume it in the CCE console (cluster → Upgrade page); then re-run this job.`
    case 'cluster-broken': {
      const c = f.cluster
      const why = [c.reason, c.message].filter(Boolean).join(': ') || 'no reason given'
      return `The ${subject} ended, but cluster ${t.clusterId} is ${c.phase} (${why})${rid}. Do not deploy onto it: see the cluster in the CCE console and give Huawei support the request ID; re-run this job once the cluster is Available.`
    }
    case 'rolled-back':
      return `The ${subject} succeeded, but cluster ${t.clusterId} then rolled back: it is ${f.cluster.phase} on its old version${rid}. The upgrade did not take: do not deploy what needs the new version; start the upgrade again, then re-run this job.`
    case 'no-upgrade':
      return noUpgradeMessage(t, last)
    case 'version-required':
      return versionRequiredMessage(f, t, rid)
  }
}

function versionRequiredMessage(
  f: Extract<Failure, { kind: 'version-required' }>,
  t: Target,
  rid: string
): string {
  if (f.unreadable !== undefined) {
    const fix = /HTTP 403/.test(f.unreadable)
      ? 'grant cce:cluster:get (e.g. the CCE ReadOnlyAccess policy)'
      : 'see the cluster in the CCE console'
    return `Input require-version asks for Kubernetes ${f.want} or newer, but the version of cluster ${t.clusterId} could not be read (${f.unreadable})${rid}, so the gate cannot guarantee it: the step fails. ${capitalize(fix)}, then re-run this job.`
  }
  return `Cluster ${t.clusterId} runs Kubernetes ${f.have}, older than require-version ${f.want}${rid}: every other check passed, but this deploy needs ${f.want} or newer. Upgrade the cluster (CCE console → cluster → Upgrade) and re-run this job, or lower require-version.`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * wait: false, where the gate would have waited: what it saw (named, with its phase and progress), and that the
 * pipeline can simply run again later.
 */
function upgradingMessage(why: WaitReason, last: Observation, t: Target): string {
  const u = last.upgrade
  const subject = subjectOf(u, t)
  const seen = `${upgradeVersions(u)}; ${lastSeen(last, t).replace(/^last (seen: )?/, '')}`
  let what: string
  switch (why.kind) {
    case 'no-upgrade-yet':
      what = `No upgrade of cluster ${t.clusterId} under way or ended${t.maxAgeMs === undefined ? '' : ` in the last ${formatDuration(t.maxAgeMs)}`} yet`
      break
    case 'list-item-unreadable':
      what = `An item of the upgrade lists of cluster ${t.clusterId} could not be read and may be an upgrade under way (${describeUnreadable(why.item)})`
      break
    case 'cluster-settling':
      what = `The ${subject} ended (${upgradeVersions(u)}), but cluster ${t.clusterId} is ${why.phase}, not yet Available`
      break
    case 'cluster-unread':
      what = `The ${subject} ended (${upgradeVersions(u)}), but cluster ${t.clusterId} has not been read yet`
      break
    case 'upgrade-not-started':
      what = `The ${subject} waits for a person to start its cluster upgrade (${seen}${why.expires ? `; pre-check valid until ${why.expires}` : ''})`
      break
    case 'post-check-pending':
      what = `The cluster upgrade of the ${subject} succeeded; the workflow waits for its post-check, which a person starts (${seen}; wait-for-post-check: true)`
      break
    case 'paused':
      what = `The ${subject} is paused (${seen}; on-pause: wait)`
      break
    default:
      what = `An upgrade is under way: the ${subject} (${seen})`
  }
  return `${what}${requestIdText(last)}. wait: false looked once and does not wait, so the step fails: re-run this job later, or set wait: true to wait for it (up to timeout).`
}

/** Guard use, nothing under way: the pass, and what was passed over. */
function noUpgradeUnderWayMessage(u: Upgrade, clusterChecked: boolean, t: Target): string {
  const clusterState = clusterChecked
    ? 'it is Available'
    : 'its own state could not be read (HTTP 403: grant cce:cluster:get)'
  const passedOver =
    u.kind === 'none' && u.abandoned
      ? `; its upgrade workflows never started their cluster upgrade (the newest: ${u.abandoned.what}), so they changed nothing`
      : ''
  return `No upgrade is under way on cluster ${t.clusterId}${passedOver}, and ${clusterState}: nothing holds the deploy.`
}

function noUpgradeMessage(t: Target, last: Observation | undefined): string {
  const u = last?.upgrade
  const abandoned = u?.kind === 'none' ? u.abandoned : undefined
  if (abandoned)
    return `Cluster ${t.clusterId} has no upgrade to wait on: its only upgrade workflow(s) never started the cluster upgrade: they waited for a person until the pre-check expired, or were cancelled first (the newest: ${abandoned.what}), so they changed nothing. Start the upgrade (CCE console → cluster → Upgrade: run the pre-check again, then upgrade), or give workflow-id or task-id; to have the gate wait for an upgrade that is about to start, set max-age (e.g. max-age: 2h).`
  return `Cluster ${t.clusterId} has no upgrade workflow and no upgrade task: start the upgrade first (CCE console → cluster → Upgrade, or the upgrade API), or give workflow-id or task-id. To have the gate wait for an upgrade that is about to start, set max-age (e.g. max-age: 2h).`
}

function preCheckText(blocking: PreCheckItem[] | undefined, last: Observation): string {
  if (blocking === undefined) {
    const why = last.precheck.kind === 'unavailable' ? `: ${last.precheck.why}` : ''
    return `Its items could not be read${why}.`
  }
  if (blocking.length === 0) {
    const message = last.precheck.kind === 'read' ? last.precheck.precheck.message : ''
    return `It reported no item of kind Exception or level Fatal${message ? `; its message: ${message}` : ''}.`
  }
  const shown = blocking.slice(0, ITEMS_IN_MESSAGE).map(describeItem).join('; ')
  const more =
    blocking.length > ITEMS_IN_MESSAGE
      ? `; and ${blocking.length - ITEMS_IN_MESSAGE} more (all in the job summary)`
      : ''
  return `${blocking.length} item(s) block the upgrade: ${shown}${more}.`
}

function timeoutText(t: Target): string {
  return `${formatDuration(t.timeoutMs)}${t.timeoutBareNumber ? ' (timeout is a bare number, read as seconds)' : ''}`
}

/**
 * What to do when the deadline came before any request succeeded, by the kind of the last error. The error comes
 * as the text Api made of it: `HTTP <status> <code>: …` for an answer, `<method> <host>: <cause>` for a request
 * that got none.
 */
function nothingReadAdvice(problem: string | undefined): string {
  const p = problem ?? ''
  if (/^HTTP 429\b|APIGW?\.0308/i.test(p))
    return 'The API throttled the requests: its quota is shared by every user of these credentials; raise the interval input or run fewer gates at once, then re-run this job.'
  if (
    /ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|no response within|no connection within|connection closed|socket hang up/.test(
      p
    )
  ) {
    return reachAdvice(/^(?:GET|POST) (\S+?): /.exec(p)?.[1] ?? 'the API')
  }
  if (/^HTTP 5\d\d\b/.test(p)) return 'The API was failing: re-run this job later.'
  return 'Re-run this job, or raise the timeout input.'
}

/** What to do after a timeout with the upgrade seen, by what kept the gate waiting. */
function stillWaitingAdvice(u: Upgrade, apiAt: number): string {
  if (u.kind === 'unreadable')
    return 'The gate does not pass while an item it cannot read may be the current upgrade: give workflow-id or task-id of the upgrade to wait on, and please report the item; then re-run this job.'
  if (u.kind === 'workflow' && awaitingUpgradeStart(u.workflow) && !isAbandoned(u.workflow, apiAt))
    return 'The pre-check passed, but nobody started the cluster upgrade: start it in the CCE console (cluster → Upgrade), then re-run this job.'
  // only a person ends this wait: the cluster upgrade is done, the post-check not started
  if (u.kind === 'workflow' && awaitsOnlyPostCheck(u.workflow))
    return 'The cluster upgrade is done; the workflow waits for its post-check, which a person starts: start it in the CCE console (cluster → Upgrade) once your services are back, then re-run this job (or set wait-for-post-check: false to pass without it).'
  if (u.kind === 'workflow' && !isKnownPhase(u.workflow.phase))
    return `The workflow's phase ${u.workflow.phase} is not one this action knows, so it did not pass: see the workflow in the CCE console (cluster → Upgrade), then re-run this job.`
  if (u.kind === 'workflow' && u.workflow.phase === 'Success')
    return 'The workflow says Success, but its steps never all agreed (see the warning above), so it did not pass: see the workflow in the CCE console (cluster → Upgrade), then re-run this job.'
  return 'The upgrade may still be running: re-run this job to wait again, or raise the timeout input.'
}

function endMessage(r: WaitResult, t: Target): string {
  const subject = subjectOf(r.last?.upgrade, t)
  const took = formatElapsed(r.endedAt - r.startedAt)
  switch (r.end) {
    case 'success': {
      const u = r.last.upgrade
      const task = taskOf(u)
      const progress = task ? `, ${percent(task.progress)}` : ''
      const cluster = r.clusterChecked
        ? `cluster ${t.clusterId} is Available`
        : `cluster ${t.clusterId}'s own state could not be read (HTTP 403: grant cce:cluster:get)`
      if (u.kind === 'none') return noUpgradeUnderWayMessage(u, r.clusterChecked, t)
      if (r.postCheckNotStarted)
        return `The cluster upgrade of the ${subject} succeeded (${upgradeVersions(u)}${progress}) and ${cluster}, after ${took} of waiting: the cluster is upgraded. Its post-check has not been started${workflowOf(u)?.phase === 'Success' ? '' : ' (the workflow stays Running)'}: start it in the CCE console (cluster → Upgrade) once your services are back.`
      return `The ${subject} succeeded (${upgradeVersions(u)}${progress}) and ${cluster}, after ${took} of waiting: the cluster is upgraded.`
    }
    case 'failed':
      return failureMessage(r.failure, r.last, t)
    case 'paused':
      return r.passed
        ? `The ${subject} is paused at ${percent(taskOf(r.last.upgrade)?.progress ?? '')} (${upgradeVersions(r.last.upgrade)}); on-pause: succeed lets the pipeline go on with a partly upgraded cluster.`
        : failureMessage({ kind: 'paused' }, r.last, t)
    case 'timeout': {
      let next: string
      if (!r.last) next = nothingReadAdvice(r.problem)
      else if (r.last.upgrade.kind === 'none' && isGuard(t))
        next =
          'No upgrade is under way, but the cluster never became Available: see the cluster in the CCE console, then re-run this job.'
      else if (r.last.upgrade.kind === 'none')
        next =
          'No upgrade to wait on appeared: start the upgrade (CCE console → cluster → Upgrade, or the upgrade API), or check cluster-id and max-age; then re-run this job.'
      else next = stillWaitingAdvice(r.last.upgrade, r.last.apiAt)
      return `Timed out after ${timeoutText(t)} waiting for the ${subject}: ${lastSeen(r.last, t)}${r.problem ? `; last error: ${r.problem}` : ''}${requestIdText(r.last)}. ${next}`
    }
    case 'cancelled': {
      // as after a timeout: when nothing was read, what to check before the next run
      const next = r.last || !r.problem ? '' : ` ${nothingReadAdvice(r.problem)}`
      return `Cancelled after ${took} while waiting for the ${subject}: ${lastSeen(r.last, t)}${r.problem ? `; last error: ${r.problem}` : ''}${requestIdText(r.last)}. The upgrade itself goes on; nothing was deployed.${next}`
    }
    case 'upgrading':
      return upgradingMessage(r.why, r.last, t)
    case 'error':
      if (r.failure?.kind === 'no-upgrade') return noUpgradeMessage(t, r.last)
      return r.problem ?? `Stopped waiting for the ${subject}.`
  }
}

function failedStepOf(r: WaitResult): string {
  if (r.end !== 'failed') return ''
  if (r.failure.kind === 'step-failed') return r.failure.step
  if (r.failure.kind === 'task-failed' && workflowOf(r.last.upgrade)) return 'Cluster'
  return ''
}

/** Every output in every end state; a value not known is written empty. */
function outputsOf(r: WaitResult, t: Target): Record<string, string> {
  const u = r.last?.upgrade
  const task = u && taskOf(u)
  const w = u && workflowOf(u)
  return {
    result: r.end,
    // only a task seen: an ID the API refused (401, 404) names no task the gate saw
    taskId: task?.uid ?? '',
    phase: task?.phase ?? '',
    progress: task?.progress ?? '',
    version: task?.version || w?.clusterVersion || '',
    targetVersion: task?.targetVersion || w?.targetVersion || '',
    completionTime: task?.completionTime ?? '',
    workflowId: w?.uid || (t.target.kind === 'workflow' ? t.target.workflowId : ''),
    workflowPhase: w?.phase ?? '',
    failedStep: failedStepOf(r),
    clusterPhase: r.last?.cluster.kind === 'read' ? r.last.cluster.status.phase : ''
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`),
    ''
  ]
}

/** The workflow's steps: a Gantt chart (gantt.ts), then a table with each step's duration. */
function stepsTable(w: Workflow, r: WaitResult, t: Target): string[] {
  // the wait's start and end by the API's clock, which dates the steps it is drawn beside
  const offset = t.apiClockOffsetMs ?? 0
  const wait = {
    startedAt: Math.round(r.startedAt + offset),
    endedAt: Math.round(r.endedAt + offset),
    end: r.end,
    passed: passed(r)
  }
  return [
    `### Upgrade workflow \`${w.uid}\``,
    '',
    ...ganttChart(w, wait),
    ...table(
      ['Step', 'Status', 'Started', 'Ended', 'Duration', 'Task'],
      w.steps.map(s => [
        s.type,
        s.status,
        s.startedAt || '—',
        s.endedAt || '—',
        stepDuration(s, wait.endedAt),
        s.taskId || '—'
      ])
    )
  ]
}

function summaryOf(r: WaitResult, t: Target, warnings: string[]): string {
  const o = outputsOf(r, t)
  const rows: [string, string][] = [['Cluster', `\`${t.clusterId}\``]]
  if (o['workflowId']) rows.push(['Workflow', `\`${o['workflowId']}\``])
  rows.push(['Task', o['taskId'] ? `\`${o['taskId']}\`` : '—'])
  rows.push(['Versions', r.last ? upgradeVersions(r.last.upgrade) : 'unknown'])
  rows.push(['Result', `${RESULT_TEXT[r.end]}${passed(r) ? '' : ' (step failed)'}`])
  if (o['workflowPhase']) rows.push(['Workflow phase', o['workflowPhase']])
  if (o['failedStep']) rows.push(['Failed step', o['failedStep']])
  rows.push(['Task phase', o['phase'] || '—'])
  rows.push(['Progress', o['progress'] ? percent(o['progress']) : '—'])
  rows.push(['Cluster phase', o['clusterPhase'] || 'not read'])
  rows.push(['Waited', formatElapsed(r.endedAt - r.startedAt)])
  rows.push(['Polls', String(r.polls)])
  const task = r.last && taskOf(r.last.upgrade)
  if (task?.completionTime && (task.phase === 'Success' || task.phase === 'Failed'))
    rows.push(['Completed', task.completionTime])
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
  if (warnings.length) lines.push('### Warnings', '', ...warnings.map(w => `- ${cell(w)}`), '')
  const w = r.last && workflowOf(r.last.upgrade)
  if (w?.steps.length) lines.push(...stepsTable(w, r, t))
  if (r.end === 'failed' && r.failure.kind === 'step-failed' && r.failure.blocking?.length) {
    lines.push(
      '### Pre-check items that block the upgrade',
      '',
      ...table(
        ['Item', 'Node', 'Kind', 'Level', 'Message'],
        r.failure.blocking.map(i => [i.name, i.node ?? '—', i.kind, i.level, i.message])
      )
    )
  }
  if (r.timeline.length) {
    lines.push(
      '### Timeline',
      '',
      ...table(
        ['Elapsed', 'What was seen'],
        r.timeline.map(obs => [formatElapsed(obs.at - r.startedAt), describe(obs, t)])
      )
    )
  }
  return lines.join('\n')
}

function describe(obs: Observation, t: Target): string {
  return lastSeen(obs, t).replace(/^last (seen: |phase )/, '')
}
