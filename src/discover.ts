import { parseGoTime } from './go-time.js'
import type { UpgradeTask } from './task.js'

export interface Newest {
  task: UpgradeTask
  /** Epoch ms, when the creation timestamp could be read. */
  createdAt?: number
}

/**
 * The newest task by creationTimestamp compared as an instant (timestamps carry any UTC offset, so text order
 * is wrong). Tasks whose timestamp cannot be read rank oldest.
 */
export function newestTask(tasks: UpgradeTask[]): Newest | undefined {
  let best: Newest | undefined
  for (const task of tasks) {
    const createdAt = parseGoTime(task.creationTimestamp)
    if (!best || (createdAt ?? -Infinity) > (best.createdAt ?? -Infinity))
      best = { task, createdAt }
  }
  return best
}
