/**
 * The job summary's Gantt chart of the upgrade workflow's steps: exact chart text for a workflow that passed,
 * one that failed at PreCheck and one still running at the timeout; hostile step names and statuses that must not
 * break out of their line or the code block; and the steps table's Duration column.
 */
import { describe, expect, it } from '@jest/globals'
import { chartText, ganttChart, stepDuration, stepSpan } from '../../src/action/gantt.js'
import type { GateWait } from '../../src/action/gantt.js'
import { Target, endReport } from '../../src/action/report.js'
import type { Workflow } from '../../src/cce/workflow.js'
import type { WaitResult } from '../../src/gate/waiter.js'
import { onWorkflow, task, workflow } from '../support/observations.js'
import { at, ms } from '../support/upgrade-fixtures.js'

type Step = [type: string, status: string, taskId?: string, startedAt?: string, endedAt?: string]

const wait = (from: string, to: string, end: string, passed: boolean): GateWait => ({
  startedAt: ms(from),
  endedAt: ms(to),
  end,
  passed
})

interface Task {
  name: string
  tags: string[]
  id: string
  start: number
  end: number
}
interface Chart {
  dateFormat: string
  axisFormat: string
  todayMarker: string
  sections: { name: string; tasks: Task[] }[]
}

/** The statements a gantt chart's lexer (mermaid's gantt.jison) would read at the start of a line. */
const KEYWORD =
  /^(gantt|dateFormat|inclusiveEndDates|topAxis|axisFormat|tickInterval|includes|excludes|todayMarker|weekday|weekend|title|accTitle|accDescr|accDescription|section|click|call|href)\b|^\d{4}-\d\d-\d\d/i

/**
 * Reads the Markdown lines of a chart back into its structure, as strictly as the chart is written: the fence
 * lines, the header, sections, and tasks `name :tag, id, start, end` whose name holds nothing the gantt lexer
 * treats specially (`:`, `#`, `;`, `%`, a backtick, a leading keyword or date). Anything else throws.
 */
function parseChart(lines: string[]): Chart {
  expect(lines[0]).toBe('```mermaid')
  expect(lines[1]).toBe('gantt')
  const close = lines.indexOf('```', 1)
  expect(lines.slice(close)).toEqual(['```', '', NOTE, ''])
  const chart: Chart = { dateFormat: '', axisFormat: '', todayMarker: '', sections: [] }
  for (const line of lines.slice(2, close)) {
    const header = /^ {4}(dateFormat|axisFormat|todayMarker) ([^#;\n]+)$/.exec(line)
    const section = /^ {4}section ([A-Za-z ]+)$/.exec(line)
    const bar =
      /^ {4}([A-Za-z0-9_. ()?-]+?) :(?:(done|active|crit), )?([a-z]+\d*), (\d{13}), (\d{13})$/.exec(
        line
      )
    if (header) chart[header[1] as 'dateFormat'] = header[2]!
    else if (section) chart.sections.push({ name: section[1]!, tasks: [] })
    else if (bar && !KEYWORD.test(bar[1]!) && chart.sections.length) {
      chart.sections.at(-1)!.tasks.push({
        name: bar[1]!,
        tags: bar[2] ? [bar[2]] : [],
        id: bar[3]!,
        start: Number(bar[4]),
        end: Number(bar[5])
      })
    } else throw new Error(`not a line of the chart: ${JSON.stringify(line)}`)
  }
  return chart
}

const NOTE = "_The chart's times are in your browser's time zone._"

const PASSED: Step[] = [
  ['PreCheck', 'Success', 'pc-1', at('10:00'), at('10:02')],
  ['Snapshot', 'Success', '', at('10:02'), at('10:04')],
  ['Cluster', 'Success', 'up-1', at('10:04'), at('10:40')],
  ['PostCheck', 'Success', '', at('10:40'), at('10:45')]
]

describe('ganttChart', () => {
  it('a workflow that passed: every step done, from its start to its end, and the gate wait in its own section', () => {
    const lines = ganttChart(workflow('Success', PASSED), wait('09:59', '10:46', 'success', true))
    expect(lines).toEqual([
      '```mermaid',
      'gantt',
      '    dateFormat x',
      '    axisFormat %H:%M',
      '    todayMarker off',
      '    section Upgrade workflow',
      `    PreCheck (Success) :done, step0, ${ms('10:00')}, ${ms('10:02')}`,
      `    Snapshot (Success) :done, step1, ${ms('10:02')}, ${ms('10:04')}`,
      `    Cluster (Success) :done, step2, ${ms('10:04')}, ${ms('10:40')}`,
      `    PostCheck (Success) :done, step3, ${ms('10:40')}, ${ms('10:45')}`,
      '    section This gate',
      `    Wait (success) :done, gate, ${ms('09:59')}, ${ms('10:46')}`,
      '```',
      '',
      NOTE,
      ''
    ])
    const chart = parseChart(lines)
    expect(chart.sections.map(s => [s.name, s.tasks.length])).toEqual([
      ['Upgrade workflow', 4],
      ['This gate', 1]
    ])
    // epoch ms of the Go time strings: 10:00 +0800 is 02:00 UTC
    expect(new Date(chart.sections[0]!.tasks[0]!.start).toISOString()).toBe(
      '2026-11-24T02:00:00.123Z'
    )
  })

  it('a workflow that failed at PreCheck: its bar is crit, the steps that never started get none', () => {
    const w = workflow('Pending', [
      ['PreCheck', 'Failed', 'pc-1', at('10:00'), at('10:03')],
      ['Snapshot', 'Init'],
      ['Cluster', 'Init'],
      ['PostCheck', 'Init']
    ])
    expect(ganttChart(w, wait('10:01', '10:04', 'failed', false))).toEqual([
      '```mermaid',
      'gantt',
      '    dateFormat x',
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
      '    section Upgrade workflow',
      `    PreCheck (Failed) :crit, step0, ${ms('10:00')}, ${ms('10:03')}`,
      '    section This gate',
      `    Wait (failed) :crit, gate, ${ms('10:01')}, ${ms('10:04')}`,
      '```',
      '',
      NOTE,
      ''
    ])
  })

  it('a workflow still running at the timeout: the running step is active and runs to the end of the wait', () => {
    const w = workflow('Running', [
      ['PreCheck', 'Success', 'pc-1', at('10:00'), at('10:02')],
      ['Snapshot', 'Success', '', at('10:02'), at('10:04')],
      ['Cluster', 'Running', 'up-1', at('10:04')],
      ['PostCheck', 'Init']
    ])
    expect(ganttChart(w, wait('10:03', '11:03', 'timeout', false))).toEqual([
      '```mermaid',
      'gantt',
      '    dateFormat x',
      '    axisFormat %H:%M',
      '    todayMarker off',
      '    section Upgrade workflow',
      `    PreCheck (Success) :done, step0, ${ms('10:00')}, ${ms('10:02')}`,
      `    Snapshot (Success) :done, step1, ${ms('10:02')}, ${ms('10:04')}`,
      `    Cluster (Running) :active, step2, ${ms('10:04')}, ${ms('11:03')}`,
      '    section This gate',
      `    Wait (timeout) :crit, gate, ${ms('10:03')}, ${ms('11:03')}`,
      '```',
      '',
      NOTE,
      ''
    ])
  })

  it('hostile step names and statuses stay inside their line and the code block', () => {
    const hostile =
      'Pre:Check#1;\n```\n%% --> `x` %%{init: {"theme":"dark"}}%%\r\nclick step0 href "javascript:alert(1)"'
    const w = workflow('Running', [
      [hostile, 'Fail`ed:#;%%\n```', 'TASKID-77', at('10:00'), at('10:01')],
      ['section Evil', 'Running', '', at('10:01')],
      ['click', 'Success', '', at('10:01'), at('10:02')],
      ['2026-11-24 step', 'Success', '', at('10:01'), at('10:02')],
      ['GANTT', 'Success', '', at('10:01'), at('10:02')],
      ['%%', '%%', '', at('10:01'), at('10:02')],
      ['Cluster', '-->', '', at('10:02'), at('10:03')]
    ])
    const lines = ganttChart(w, wait('10:00', '10:04', 'failed', false))
    const chart = parseChart(lines)
    expect(chart.sections[0]!.tasks.map(t => [t.name, t.tags, t.id])).toEqual([
      ['Step Pre Check 1 -- x init theme dark clic... (Fail ed)', ['crit'], 'step0'],
      ['Step section Evil (Running)', ['active'], 'step1'],
      ['Step click (Success)', ['done'], 'step2'],
      ['Step 2026-11-24 step (Success)', ['done'], 'step3'],
      ['Step GANTT (Success)', ['done'], 'step4'],
      ['Step ? (?)', ['crit'], 'step5'],
      ['Cluster (--)', ['crit'], 'step6']
    ])
    expect(lines[6]).toBe(
      `    Step Pre Check 1 -- x init theme dark clic... (Fail ed) :crit, step0, ${ms('10:00')}, ${ms('10:01')}`
    )
    // nothing but the two fence lines holds a backtick, and no line holds a character outside the whitelist
    expect(lines.filter(l => l.includes('`'))).toEqual(['```mermaid', '```'])
    for (const line of lines.slice(1, -4)) expect(line).toMatch(/^[A-Za-z0-9_. ()?%:,-]*$/)
    // the task ID of a step is not drawn at all
    expect(lines.join('\n')).not.toContain('TASKID')
  })

  it('the axis shows seconds for a short wait and the date for one over two days', () => {
    const short = workflow('Success', [['PreCheck', 'Success', '', at('10:00'), at('10:01')]])
    expect(ganttChart(short, wait('10:00', '10:05', 'success', true))[3]).toBe(
      '    axisFormat %H:%M:%S'
    )
    const long = workflow('Success', [['Cluster', 'Success', '', at('10:00', 22), at('10:00')]])
    expect(ganttChart(long, wait('10:00', '10:05', 'success', true))[3]).toBe(
      '    axisFormat %m-%d %H:%M'
    )
  })

  it('no chart when no step has a bar', () => {
    const w = workflow('Init', [
      ['PreCheck', 'Init'],
      ['Cluster', 'Running', '', 'yesterday']
    ])
    expect(ganttChart(w, wait('10:00', '10:05', 'timeout', false))).toEqual([])
  })
})

describe('stepSpan and stepDuration', () => {
  const end = ms('11:00')
  const step = (status: string, startedAt = '', endedAt = '') =>
    workflow('Running', [['Cluster', status, '', startedAt, endedAt]]).steps[0]!

  it('from start to end, or to the end of the wait while the step is under way', () => {
    expect(stepSpan(step('Success', at('10:00'), at('10:08')), end)).toEqual({
      start: ms('10:00'),
      end: ms('10:08'),
      running: false
    })
    expect(stepDuration(step('Success', at('10:00'), at('10:08')), end)).toBe('8m')
    expect(stepDuration(step('Failed', at('10:00'), at('10:00')), end)).toBe('0s')
    for (const status of ['Init', 'Queuing', 'Running', 'Pause'])
      expect(stepDuration(step(status, at('10:56')), end)).toBe('running, 4m so far')
    expect(stepDuration(step('Running', at('09:30')), end)).toBe('running, 1h30m so far')
  })

  it('none for a step not started, an unreadable time, an end before the start, or an end the API left out', () => {
    const cases = [
      step('Init'),
      step('Running', 'soon'),
      step('Success', at('10:00'), '10:08'),
      step('Success', at('10:08'), at('10:00')),
      step('Success', at('10:00')),
      step('Failed', at('10:00'))
    ]
    for (const s of cases) {
      expect(stepSpan(s, end)).toBeUndefined()
      expect(stepDuration(s, end)).toBe('—')
    }
  })

  it('a running step the API dates after the end of the wait (clocks apart) is not drawn backwards', () => {
    expect(stepSpan(step('Running', at('11:01')), end)).toEqual({
      start: ms('11:01'),
      end: ms('11:01'),
      running: true
    })
  })

  it('chartText keeps letters, digits, space, _ . - and nothing else, and cuts long values', () => {
    expect(chartText('Pre:Check#1;\n`x`')).toBe('Pre Check 1 x')
    expect(chartText('::')).toBe('?')
    expect(chartText('a'.repeat(50))).toBe(`${'a'.repeat(37)}...`)
    expect(chartText('Ünïcode 升级')).toBe('n code')
  })
})

describe('the summary', () => {
  const target: Target = {
    clusterId: 'cluster-1',
    target: { kind: 'current' },
    timeoutMs: 3_600_000
  }
  function summaryOf(w: Workflow, rest: Partial<WaitResult>): string {
    const last = onWorkflow(w, task('Running', '50.00', { uid: 'up-1' }), { at: ms('11:03') })
    const r = {
      polls: 10,
      startedAt: ms('10:03'),
      endedAt: ms('11:03'),
      timeline: [last],
      last,
      ...rest
    } as WaitResult
    return endReport(r, target).summary
  }

  it('shows the chart under the workflow heading, then the steps table with a Duration column', () => {
    const w = workflow('Running', [
      ['PreCheck', 'Success', 'pc-1', at('10:00'), at('10:02')],
      ['Cluster', 'Running', 'up-1', at('10:04')],
      ['PostCheck', 'Init']
    ])
    const lines = summaryOf(w, { end: 'timeout' }).split('\n')
    const heading = lines.indexOf('### Upgrade workflow `wf-1`')
    expect(lines.slice(heading, heading + 3)).toEqual([
      '### Upgrade workflow `wf-1`',
      '',
      '```mermaid'
    ])
    const close = lines.indexOf('```', heading + 3)
    expect(parseChart(lines.slice(heading + 2, close + 4)).sections[0]!.tasks).toHaveLength(2)
    expect(lines.slice(close + 4, close + 9)).toEqual([
      '| Step | Status | Started | Ended | Duration | Task |',
      '| --- | --- | --- | --- | --- | --- |',
      `| PreCheck | Success | ${at('10:00')} | ${at('10:02')} | 2m | pc-1 |`,
      `| Cluster | Running | ${at('10:04')} | — | running, 59m so far | up-1 |`,
      '| PostCheck | Init | — | — | — | — |'
    ])
  })

  it('with hostile step names, the summary still has exactly one code block, and it is the chart', () => {
    const w = workflow('Running', [
      ['```\n# Owned\n```', '```', '```', at('10:00'), at('10:01')],
      ['Cluster', 'Running', 'up-1', at('10:01')]
    ])
    const lines = summaryOf(w, { end: 'timeout' }).split('\n')
    const fences = lines.flatMap((l, i) => (l.startsWith('```') ? [[i, l]] : []))
    expect(fences.map(([, l]) => l)).toEqual(['```mermaid', '```'])
    const [open, close] = fences.map(([i]) => i as number) as [number, number]
    expect(parseChart(lines.slice(open, close + 4)).sections[0]!.tasks[0]!.name).toBe(
      'Step Owned (?)'
    )
  })
})
