/**
 * The environment variables the config honours. Policy Reporter's names fill what the file leaves
 * unset (its precedence: file before env); Docket's `DOCKET_*` switches override the file, so an
 * operator can flip them without editing a mounted ConfigMap.
 */
export const ENV_VARIABLES: ReadonlyArray<{ name: string; key: string; mode: 'default' | 'override'; description: string }> = [
  { name: 'POD_NAME', key: 'leaderElection.podName', mode: 'default', description: 'replica identity in the Lease' },
  { name: 'POD_NAMESPACE', key: 'leaderElection.namespace', mode: 'default', description: 'Lease namespace, and the namespace secretRef Secrets are read from' },
  { name: 'SLACK_WEBHOOK', key: 'target.slack.webhook', mode: 'default', description: 'Slack webhook (adds a Slack target when none is configured)' },
  { name: 'AWS_REGION', key: 'target.s3.region', mode: 'default', description: 'S3 region (root and channels)' },
  { name: 'DOCKET_METRICS_ENABLED', key: 'metrics.enabled', mode: 'override', description: '"true" or "false"' },
  { name: 'DOCKET_LEADER_ELECTION_ENABLED', key: 'leaderElection.enabled', mode: 'override', description: '"true" or "false"' },
];

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function section(root: Raw, key: string): Raw | undefined {
  if (root[key] === undefined) root[key] = {};
  return isObject(root[key]) ? root[key] : undefined; // a wrong type is reported by the schema
}

function bool(name: string, value: string, problems: string[]): boolean | undefined {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`environment variable ${name}="${value}" must be true or false`);
  return undefined;
}

/**
 * Applies the documented variables to the raw (parsed, not yet validated) config, in place.
 * `targetKey` is the section key used in the file (`target` or `targets`). Returns problems.
 */
export function applyEnv(raw: Raw, env: Readonly<Record<string, string | undefined>>, targetKey: string): string[] {
  const problems: string[] = [];
  const le = () => section(raw, 'leaderElection');
  if (env['POD_NAME']) { const s = le(); if (s && s['podName'] === undefined) s['podName'] = env['POD_NAME']; }
  if (env['POD_NAMESPACE']) { const s = le(); if (s && s['namespace'] === undefined) s['namespace'] = env['POD_NAMESPACE']; }
  if (env['SLACK_WEBHOOK']) {
    const targets = section(raw, targetKey);
    if (targets) {
      if (targets['slack'] === undefined) targets['slack'] = {};
      const slack = targets['slack'];
      if (isObject(slack) && slack['webhook'] === undefined && !(isObject(slack['config']) && slack['config']['webhook'] !== undefined)) slack['webhook'] = env['SLACK_WEBHOOK'];
    }
  }
  if (env['AWS_REGION'] && isObject(raw[targetKey])) {
    const s3 = (raw[targetKey] as Raw)['s3'];
    if (isObject(s3)) {
      const holder = isObject(s3['config']) ? s3['config'] : s3;
      if (holder['region'] === undefined) holder['region'] = env['AWS_REGION'];
    }
  }
  const metrics = env['DOCKET_METRICS_ENABLED'];
  if (metrics !== undefined && metrics !== '') {
    const v = bool('DOCKET_METRICS_ENABLED', metrics, problems);
    const s = section(raw, 'metrics');
    if (v !== undefined && s) s['enabled'] = v;
  }
  const leader = env['DOCKET_LEADER_ELECTION_ENABLED'];
  if (leader !== undefined && leader !== '') {
    const v = bool('DOCKET_LEADER_ELECTION_ENABLED', leader, problems);
    const s = le();
    if (v !== undefined && s) s['enabled'] = v;
  }
  return problems;
}
