/**
 * Issue 23.6: ready to release. The CHANGELOG dates 1.0.0 and says what it does; the README says how to pin a release;
 * the access-key example starts the upgrade with KooCLI (docs/start-upgrade.md) instead of a script the user must
 * write, and its request is the UpgradeCluster body Huawei documents; the Requirements link Huawei's note that the
 * upgrade APIs are opened on request.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'

const readme = readFileSync('README.md', 'utf8')
const examples = readFileSync('docs/examples.md', 'utf8')
const changelog = readFileSync('CHANGELOG.md', 'utf8')
const sample = readFileSync('docs/start-upgrade.md', 'utf8')
const UPGRADE_PAGE = 'https://support.huaweicloud.com/intl/en-us/api-cce/UpgradeCluster.html'

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = text.indexOf('\n## ', start + heading.length + 2)
  return text.slice(start, end < 0 ? undefined : end)
}

describe('the 1.0.0 release', () => {
  it('the CHANGELOG dates 1.0.0 and says what it does, first', () => {
    expect(changelog).not.toMatch(/unreleased/i)
    const release = section(changelog, '## [1.0.0] - 2026-12-06')
    expect(release.split('\n### ')[0]).toContain('What 1.0.0 does:')
  })

  it('the README says how to pin a release: by tag, or by full commit SHA, and why', () => {
    const versioning = section(readme, '## Versioning')
    expect(versioning).toContain('`@v1.0.0`')
    expect(versioning).toMatch(/full 40-hex commit SHA/)
    expect(versioning).toMatch(/cannot change/)
    expect(versioning).toContain('security-hardening-for-github-actions#using-third-party-actions')
    expect(readme).toMatch(
      /uses: your-org\/cce-upgrade-gate@v1 # or one release: @v1\.0\.0, or its full commit SHA/
    )
  })

  it('the access-key example starts the upgrade with KooCLI and hands metadata.uid to task-id', () => {
    // the README's quick start links the example, which docs/examples.md holds
    expect(section(readme, '## Quick start')).toContain('(docs/examples.md#stored-access-keys)')
    const example = section(examples, '## Stored access keys')
    expect(readme).not.toContain('./scripts/')
    expect(example).not.toContain('./scripts/')
    expect(example).toContain('hcloud CCE UpgradeCluster')
    expect(example).toContain("jq -r '.metadata.uid // empty'")
    expect(example).toContain('task-id: ${{ steps.start.outputs.task-id }}')
    expect(example).toContain('(start-upgrade.md)')
    expect(sample).toContain('hcloud CCE UpgradeCluster')
    expect(sample).toContain('--cli-jsonInput=.github/cce-upgrade.json')
    expect(sample).toContain("jq -r '.metadata.uid // empty'")
  })

  it("the sample's request is UpgradeCluster's documented body, with its path parameters", () => {
    const json = /```json\n([\s\S]*?)\n```/.exec(sample)?.[1]
    const request = JSON.parse(json ?? '') as {
      path: Record<string, string>
      body: {
        metadata: Record<string, string>
        spec: { clusterUpgradeAction: { targetVersion: string; strategy: { type: string } } }
      }
    }
    expect(Object.keys(request).sort()).toEqual(['body', 'path'])
    expect(Object.keys(request.path).sort()).toEqual(['cluster_id', 'project_id'])
    expect(request.body.metadata).toEqual({ apiVersion: 'v3', kind: 'UpgradeTask' })
    expect(request.body.spec.clusterUpgradeAction.strategy).toEqual({
      type: 'inPlaceRollingUpdate'
    })
    expect(request.body.spec.clusterUpgradeAction.targetVersion).toMatch(/^v\d+\.\d+$/)
    expect(sample).toContain(UPGRADE_PAGE)
  })

  it('the Requirements link the page that says the upgrade APIs are opened on request, and what the 403 looks like', () => {
    const requirements = section(readme, '## Requirements')
    const row = requirements.split('\n').find(l => l.startsWith('| CCE |')) ?? ''
    expect(row).toContain(`(${UPGRADE_PAGE})`)
    expect(row).toContain('available only upon request')
    expect(row).toContain('HTTP 403')
    // the words the gate's own message uses (src/cce/client.ts)
    expect(row).toContain('CCE refused access to upgrade task')
    expect(readFileSync('src/cce/client.ts', 'utf8')).toContain(
      'CCE refused access to ${what} (HTTP ${status}'
    )
  })
})
