/** The inputs of a gate on a made-up cluster, for tests that drive run() with a recorded runner and scripted API. */
export const UNIT_INPUTS: Record<string, string> = {
  'cluster-id': 'cluster-1',
  'task-id': 'task-1',
  region: 'ap-southeast-1',
  'project-id': 'proj-1',
  'access-key-id': 'AKTEST',
  'secret-access-key': 'SK-very-secret',
  timeout: '10m',
  interval: '15s',
  'on-pause': 'wait'
}
