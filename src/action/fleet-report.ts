/**
 * What a step that gates several clusters reports: the outputs (`results`, `passed`, `failed`, the step's
 * `result`), the job summary (a row per cluster, a Gantt chart with a section per cluster, the detail folded) and
 * the final line. Each cluster's own outputs and message are those of a single-cluster step (report.ts).
 */
import { ClusterOutcome, FleetVerdict, fleetVerdict } from '../gate/fleet.js'
import { passed } from '../gate/waiter.js'
import { formatElapsed } from '../lib/duration.js'
import { FleetBar, fleetGanttChart, upgradeSpan } from './gantt.js'
import { EndReport, Target, endReport } from './report.js'
import { upgradeVersions } from './progress.js'

/** GitHub refuses a step's summary over 1 MiB: the detail is cut well before. */
export const SUMMARY_LIMIT = 900 * 1024
/** How much of a cluster's message its table row shows; the folded detail has it all. */
const WHY_IN_ROW = 160
const MESSAGE_IN_DETAIL = 2000
const WARNING_IN_DETAIL = 500
const MAX_WARNINGS = 300

/** The outputs every single-cluster step writes besides `result`, … : empty with several (see `results`). */
const SINGLE_OUTPUTS = [
  'phase',
  'progress',
  'targetVersion',
  'version',
  'taskId',
  'completionTime',
  'workflowId',
  'workflowPhase',
  'failedStep',
  'clusterPhase'
]

const RESULT_TEXT: Record<string, string> = {
  success: '✅ Success',
  failed: '❌ Failed',
  paused: '⏸️ Paused',
  timeout: '⌛ Timed out',
  cancelled: '🚫 Cancelled',
  error: '❌ Error'
}

interface Judged {
  o: ClusterOutcome
  report: EndReport
}

/**
 * `results`, `passed` and `failed` for one or several clusters. `redact` scrubs each string before it is written as
 * JSON: escaping would double a backslash of an echoed secret's form, which redacting the JSON text then misses.
 */
export function fleetOutputs(
  judged: Judged[],
  v: FleetVerdict,
  redact: (text: string) => string = text => text
): Record<string, string> {
  const results = judged.map(({ o, report }) => ({
    clusterId: o.clusterId,
    name: o.name ?? '',
    ...report.outputs,
    passed: report.passed,
    message: messageOf({ o, report })
  }))
  return {
    results: JSON.stringify(results, (_, value: unknown) =>
      typeof value === 'string' ? redact(value) : value
    ),
    passed: JSON.stringify(v.passedIds),
    failed: JSON.stringify(v.failedIds)
  }
}

export type FleetTarget = Omit<Target, 'clusterId'>

/** Each cluster's report as a single-cluster step would write it. */
export function judge(outcomes: ClusterOutcome[], t: FleetTarget): Judged[] {
  return outcomes.map(o => ({
    o,
    report: endReport(o.result, { ...t, clusterId: o.clusterId }, o.warnings)
  }))
}

function labelOf(o: ClusterOutcome): string {
  return o.name ? `${o.name} (${o.clusterId})` : o.clusterId
}

function messageOf(j: Judged): string {
  return j.o.stoppedByFailFast
    ? `Not waited for to the end: fail-fast ended the step after another cluster did not pass. ${j.report.message}`
    : j.report.message
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

export function fleetReport(
  outcomes: ClusterOutcome[],
  t: FleetTarget,
  redact?: (text: string) => string
): EndReport {
  const judged = judge(outcomes, t)
  const v = fleetVerdict(outcomes)
  const outputs: Record<string, string> = {
    result: v.result,
    ...Object.fromEntries(SINGLE_OUTPUTS.map(name => [name, ''])),
    ...fleetOutputs(judged, v, redact)
  }
  return {
    passed: v.passed,
    message: fleetMessage(judged, v),
    outputs,
    summary: summary(judged, v, t)
  }
}

function fleetMessage(judged: Judged[], v: FleetVerdict): string {
  const n = judged.length
  if (v.passed) return `All ${n} clusters passed: ${judged.map(j => labelOf(j.o)).join(', ')}.`
  const failing = judged.filter(j => !j.report.passed)
  return [
    `${failing.length} of ${n} clusters did not pass (result: ${v.result}); do not deploy onto them. ${v.passedIds.length} passed (the passed output lists them).`,
    ...failing.map(j => `- ${labelOf(j.o)}: ${j.o.result.end}. ${messageOf(j)}`)
  ].join('\n')
}

function summary(judged: Judged[], v: FleetVerdict, t: FleetTarget): string {
  const n = judged.length
  const rows = judged.map(j => {
    const r = j.o.result
    const why = j.report.passed ? cut(j.report.message, WHY_IN_ROW) : cut(messageOf(j), WHY_IN_ROW)
    return [
      j.o.name ?? '—',
      `\`${j.o.clusterId}\``,
      r.last ? upgradeVersions(r.last.upgrade) : '? → ?',
      `${RESULT_TEXT[r.end] ?? r.end}${j.report.passed ? '' : ' (not passed)'}`,
      formatElapsed(r.endedAt - r.startedAt),
      why
    ]
  })
  const head = [
    `## CCE upgrade gate: ${n} clusters`,
    '',
    `**${RESULT_TEXT[v.result] ?? v.result}**: ${v.passedIds.length} of ${n} passed${v.failedIds.length ? `, ${v.failedIds.length} did not` : ''}.`,
    '',
    '| Cluster | ID | Versions | Result | Waited | Why |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(r => `| ${r.map(cell).join(' | ')} |`),
    ''
  ]
  // a section per cluster: its name, unless another cluster has the same (then its ID)
  const names = judged.map(j => j.o.name)
  const unique = (name: string | undefined): name is string =>
    name !== undefined && names.indexOf(name) === names.lastIndexOf(name)
  // the waits by the API's clock, which dates the upgrades drawn beside them
  const offset = t.apiClockOffsetMs ?? 0
  const bars: FleetBar[] = judged.map(j => {
    const r = j.o.result
    return {
      label: unique(j.o.name) ? j.o.name : j.o.clusterId,
      upgrade: r.last && upgradeSpan(r.last.upgrade, Math.round(r.endedAt + offset)),
      wait: {
        startedAt: Math.round(r.startedAt + offset),
        endedAt: Math.round(r.endedAt + offset),
        end: r.end,
        passed: passed(r)
      }
    }
  })
  const chart = fleetGanttChart(bars)
  const failing = judged.filter(j => !j.report.passed)
  const details = failing.length
    ? [
        '<details><summary>What each cluster that did not pass needs (' +
          failing.length +
          ')</summary>',
        '',
        ...failing.map(
          j => `- **${cell(labelOf(j.o))}**: ${cell(cut(messageOf(j), MESSAGE_IN_DETAIL))}`
        ),
        '',
        '</details>',
        ''
      ]
    : []
  const warnings = judged.flatMap(j =>
    j.o.warnings.map(w => `- ${cell(labelOf(j.o))}: ${cell(cut(w, WARNING_IN_DETAIL))}`)
  )
  const folded = warnings.length
    ? [
        `<details><summary>Warnings (${warnings.length})</summary>`,
        '',
        ...warnings.slice(0, MAX_WARNINGS),
        ...(warnings.length > MAX_WARNINGS
          ? [`- … and ${warnings.length - MAX_WARNINGS} more (in the log)`]
          : []),
        '',
        '</details>',
        ''
      ]
    : []
  // the table first; what does not fit under GitHub's limit is left to the log
  const parts = [head, chart, details, folded]
  let text = ''
  for (const part of parts) {
    const next = part.join('\n')
    if (Buffer.byteLength(text + next) > SUMMARY_LIMIT) {
      text += '\n_More detail did not fit in the job summary: see the log._\n'
      break
    }
    text += next + (next ? '\n' : '')
  }
  return text
}
