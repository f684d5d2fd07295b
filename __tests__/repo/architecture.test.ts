/**
 * The layers of src/ (CONTRIBUTING.md, "Layout"): each folder may import only from its own folder and the ones
 * below it, and no file reaches itself through its imports. A new file outside the known folders fails too, so
 * the table stays the map of the tree.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'

/** Top to bottom: the action's wiring, its edge, the gate's decision, the CCE calls, Huawei Cloud access, helpers. */
const LAYERS = ['.', 'action', 'gate', 'cce', 'huawei', 'lib'] as const

const SRC = 'src'

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** The project files a source imports, as paths under src/ (packages and node: modules left out). */
function importsOf(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'(\.{1,2}\/[^']+)'/g)
  ]
  return specs.map(m => normalize(join(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'))))
}

function layerOf(file: string): number {
  return LAYERS.indexOf(dirname(relative(SRC, file)) as (typeof LAYERS)[number])
}

/** The import edges that run from a lower layer to a higher one. */
function upwardImports(graph: Map<string, string[]>): string[] {
  return [...graph].flatMap(([from, tos]) =>
    tos.filter(to => layerOf(to) < layerOf(from)).map(to => `${from} → ${to}`)
  )
}

/** One cycle of the graph, as a path that ends where it starts, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node]
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

const graph = new Map(sources().map(f => [f, importsOf(f, readFileSync(f, 'utf8'))]))

describe('the layers of src/', () => {
  it('every source file sits in one of the layer folders', () => {
    expect([...graph.keys()].filter(f => layerOf(f) < 0)).toEqual([])
  })

  it('every import resolves to a file under src/', () => {
    const dangling = [...graph].flatMap(([from, tos]) =>
      tos.filter(to => !graph.has(to)).map(to => `${from} → ${to}`)
    )
    expect(dangling).toEqual([])
    // the graph is not empty because the import pattern missed everything
    expect([...graph.values()].flat().length).toBeGreaterThan(graph.size)
  })

  it('no import runs back up a layer', () => {
    expect(upwardImports(graph)).toEqual([])
  })

  it('no file imports another in a circle', () => {
    expect(findCycle(graph)).toBeUndefined()
  })
})

describe('the checks themselves', () => {
  const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges))

  it('reads imports, type imports and re-exports, not packages', () => {
    const text = [
      "import { a } from './b.js'",
      "import type { C } from '../lib/c.js'",
      "export { d } from './d.js'",
      "import * as core from '@actions/core'",
      "import { x } from 'node:fs'"
    ].join('\n')
    expect(importsOf('src/gate/a.ts', text)).toEqual([
      'src/gate/b.ts',
      'src/lib/c.ts',
      'src/gate/d.ts'
    ])
  })

  it('finds an upward import and a cycle', () => {
    expect(upwardImports(g({ 'src/lib/json.ts': ['src/gate/verdict.ts'] }))).toEqual([
      'src/lib/json.ts → src/gate/verdict.ts'
    ])
    expect(upwardImports(g({ 'src/main.ts': ['src/lib/json.ts'] }))).toEqual([])
    expect(
      findCycle(g({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': ['src/c.ts'], 'src/c.ts': ['src/a.ts'] }))
    ).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts'])
    expect(findCycle(g({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': [] }))).toBeUndefined()
  })
})
