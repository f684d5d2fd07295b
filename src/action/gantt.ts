/**
 * The upgrade workflow's steps as a Mermaid Gantt chart for the job summary (GitHub renders ```mermaid blocks),
 * and each step's duration for the steps table.
 *
 * Every value that comes from the API (step types, statuses) passes a whitelist before it reaches the chart: in a
 * gantt chart `:` ends a task's name, `#` and `%%` start comments, `;` ends a statement, a line break ends the
 * task, a leading keyword (`section`, `click`, `title`, …) or date turns the line into something else, and a
 * backtick could close the Markdown code block. Times are epoch ms (`dateFormat x`), never text from the API.
 */
import { STEP_UNDER_WAY, type Workflow, type WorkflowStep } from '../cce/workflow.js'
import { formatElapsed } from '../lib/duration.js'
import { parseGoTime } from '../lib/go-time.js'

/** The gate's own wait, by the API's clock (epoch ms), which dates the steps beside it. */
export interface GateWait {
  startedAt: number
  endedAt: number
  /** how the wait ended (success, failed, timeout, …): our own word, not the API's */
  end: string
  passed: boolean
}

/** Where a step's bar runs (epoch ms); `running` when it has not ended and so runs to the end of the wait. */
export interface StepSpan {
  start: number
  end: number
  running: boolean
}

/** The step types CCE documents: a chart line may start with these as they are; any other name gets a prefix. */
const KNOWN_STEPS = new Set([
  'PreCheck',
  'Snapshot',
  'Cluster',
  'PostCheck',
  'Rollback',
  'RollBack'
])
const MAX_NAME = 40

/**
 * The step's span: undefined when it has not started (no start time), or when a time it has cannot be read, or
 * ends before it starts. A step still under way (Init, Queuing, Running, Pause) without an end runs to the end of
 * the wait; a step that ended without an end time has no span.
 */
export function stepSpan(step: WorkflowStep, waitEnd: number): StepSpan | undefined {
  if (!step.startedAt) return undefined
  const start = parseGoTime(step.startedAt)
  if (start === undefined) return undefined
  if (step.endedAt) {
    const end = parseGoTime(step.endedAt)
    return end === undefined || end < start ? undefined : { start, end, running: false }
  }
  if (!STEP_UNDER_WAY.includes(step.status)) return undefined
  // the API's clock is known to a second: a step that just started is not drawn backwards
  return { start, end: Math.max(start, waitEnd), running: true }
}

/** The steps table's Duration cell: "8m", "running, 3m10s so far", or "—" without a readable span. */
export function stepDuration(step: WorkflowStep, waitEnd: number): string {
  const span = stepSpan(step, waitEnd)
  if (!span) return '—'
  const took = formatElapsed(span.end - span.start)
  return span.running ? `running, ${took} so far` : took
}

/** Keeps letters, digits, space, `_`, `.` and `-` of a value from the API; anything else becomes a space. */
export function chartText(value: string, max = MAX_NAME): string {
  const kept = value
    .replace(/[^A-Za-z0-9_. -]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim()
  const cut = kept.length > max ? `${kept.slice(0, max - 3).trimEnd()}...` : kept
  return cut || '?'
}

function stepName(step: WorkflowStep): string {
  const type = chartText(step.type)
  // a name the API did not document could start with a gantt keyword or a date: "Step …" never does
  const name = KNOWN_STEPS.has(type) ? type : `Step ${type}`
  return `${name} (${chartText(step.status, 20)})`
}

function stepTag(step: WorkflowStep): 'done' | 'active' | 'crit' {
  if (step.status === 'Success') return 'done'
  return STEP_UNDER_WAY.includes(step.status) ? 'active' : 'crit'
}

/** d3 time format for the axis, by how long the chart spans. */
function axisFormat(spanMs: number): string {
  if (spanMs < 10 * 60_000) return '%H:%M:%S'
  if (spanMs < 2 * 86_400_000) return '%H:%M'
  return '%m-%d %H:%M'
}

/**
 * The chart as Markdown lines (a ```mermaid block and a line on its time zone): a bar per step that has a span,
 * in the workflow's order, and the gate's wait in a section of its own. No lines when no step has a bar.
 */
export function ganttChart(w: Workflow, wait: GateWait): string[] {
  const drawn = w.steps.flatMap((step, i) => {
    const span = stepSpan(step, wait.endedAt)
    return span ? [{ step, i, span }] : []
  })
  if (drawn.length === 0) return []
  const bars = drawn.map(
    ({ step, i, span }) =>
      `    ${stepName(step)} :${stepTag(step)}, step${i}, ${span.start}, ${span.end}`
  )
  const gateEnd = Math.max(wait.startedAt, wait.endedAt)
  const spans = drawn.map(d => d.span)
  const first = Math.min(wait.startedAt, ...spans.map(s => s.start))
  const last = Math.max(gateEnd, ...spans.map(s => s.end))
  return [
    '```mermaid',
    'gantt',
    '    dateFormat x',
    `    axisFormat ${axisFormat(last - first)}`,
    '    todayMarker off',
    '    section Upgrade workflow',
    ...bars,
    '    section This gate',
    `    Wait (${chartText(wait.end, 20)}) :${wait.passed ? 'done' : 'crit'}, gate, ${wait.startedAt}, ${gateEnd}`,
    '```',
    '',
    // GitHub draws the axis in the reader's time zone; the table below keeps the API's own times
    "_The chart's times are in your browser's time zone._",
    ''
  ]
}
