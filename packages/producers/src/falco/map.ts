import type { ObjectReference, ResultStatus, Severity } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { timestampOf } from '../shared/time.ts';
import { arr, isRecord, propertyValue, rec, str, type Rec } from '../shared/values.ts';
import { FALCO_PRIORITIES, type FalcoMapConfig, type FalcoPriority } from './config.ts';

export function parsePriority(raw: string): FalcoPriority | undefined {
  const p = raw.trim().toLowerCase();
  if (p === 'info') return 'informational';
  return (FALCO_PRIORITIES as readonly string[]).includes(p) ? (p as FalcoPriority) : undefined;
}

const rank = (p: FalcoPriority) => FALCO_PRIORITIES.indexOf(p);

/** ≤ informational → info, notice → low, warning → medium, error → high, ≥ critical → critical. */
export function falcoSeverity(p: FalcoPriority): Severity {
  if (rank(p) <= rank('informational')) return 'info';
  if (p === 'notice') return 'low';
  if (p === 'warning') return 'medium';
  if (p === 'error') return 'high';
  return 'critical';
}

/** ≤ notice → skip, warning → warn, ≥ error → fail. */
export function falcoResult(p: FalcoPriority): ResultStatus {
  if (rank(p) <= rank('notice')) return 'skip';
  return p === 'warning' ? 'warn' : 'fail';
}

/** Kubernetes audit `ka.target.resource` (plural) → kind and apiVersion of the report scope. */
const AUDIT_KINDS: Record<string, [string, string, boolean]> = {
  pods: ['Pod', 'v1', true], services: ['Service', 'v1', true], secrets: ['Secret', 'v1', true],
  configmaps: ['ConfigMap', 'v1', true], serviceaccounts: ['ServiceAccount', 'v1', true],
  namespaces: ['Namespace', 'v1', false], nodes: ['Node', 'v1', false],
  deployments: ['Deployment', 'apps/v1', true], daemonsets: ['DaemonSet', 'apps/v1', true],
  statefulsets: ['StatefulSet', 'apps/v1', true], replicasets: ['ReplicaSet', 'apps/v1', true],
  jobs: ['Job', 'batch/v1', true], cronjobs: ['CronJob', 'batch/v1', true],
  roles: ['Role', 'rbac.authorization.k8s.io/v1', true], rolebindings: ['RoleBinding', 'rbac.authorization.k8s.io/v1', true],
  clusterroles: ['ClusterRole', 'rbac.authorization.k8s.io/v1', false],
  clusterrolebindings: ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', false],
};

/** Falco output fields are `null` when unknown; never treat the string "<NA>" as a name either. */
function field(fields: Rec, name: string): string {
  const v = str(fields[name]);
  return v === '<NA>' ? '' : v;
}

function keyOf(event: Rec, fields: Rec): { key: ReportKey; id: string } {
  const ns = field(fields, 'k8s.ns.name');
  const pod = field(fields, 'k8s.pod.name');
  if (ns && pod) {
    return { key: { producer: 'falco', namespace: ns, scope: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod } }, id: `${ns}/Pod/${pod}` };
  }
  const resource = field(fields, 'ka.target.resource');
  const name = field(fields, 'ka.target.name') || field(fields, 'ka.resp.name');
  const known = AUDIT_KINDS[resource];
  if (known && name) {
    const [kind, apiVersion, namespaced] = known;
    const tns = namespaced ? field(fields, 'ka.target.namespace') : '';
    const scope: ObjectReference = tns ? { apiVersion, kind, namespace: tns, name } : { apiVersion, kind, name };
    return { key: tns ? { producer: 'falco', namespace: tns, scope } : { producer: 'falco', scope }, id: `${tns}/${kind}/${name}` };
  }
  // Host events (and audit events without a known target) go to the node's cluster report.
  const host = str(event.hostname);
  if (host) return { key: { producer: 'falco', scope: { apiVersion: 'v1', kind: 'Node', name: host } }, id: `/Node/${host}` };
  return { key: { producer: 'falco', name: 'falco-cluster' }, id: 'cluster' };
}

/**
 * Maps one Falco event (Falco `json_output` / falcosidekick payload: rule, priority, output,
 * time, source, tags, hostname, output_fields) to a result. Events of the same rule on the same
 * subject share a resultID, so the writer merges them.
 */
export function toFalcoResult(event: unknown, config: FalcoMapConfig): MapOutcome {
  if (!isRecord(event)) return { skip: 'malformed: event is not an object', malformed: true };
  const rule = str(event.rule);
  if (!rule) return { skip: 'malformed: event without rule', malformed: true };
  const priority = parsePriority(str(event.priority));
  if (!priority) return { skip: 'malformed: unknown priority', malformed: true };
  const time = timestampOf(event.time);
  if (!time) return { skip: 'malformed: event time missing or invalid', malformed: true };
  if (rank(priority) < rank(config.minimumPriority)) return { skip: `priority ${priority} below ${config.minimumPriority}` };
  const fields = rec(event.output_fields) ?? {};
  const { key, id } = keyOf(event, fields);
  const source = str(event.source) || 'syscall';
  const resultId = stableResultId('falco', id, source, rule);
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const s = propertyValue(v);
    if (s !== undefined && s !== '' && s !== '<NA>') properties[k] = s;
  }
  properties.resultID = resultId;
  properties.priority = priority;
  const tags = arr(event.tags).map(str).filter(Boolean);
  if (tags.length > 0) properties.tags = tags.join(',');
  if (str(event.hostname)) properties.hostname = str(event.hostname);
  return {
    reportKey: key,
    resultId,
    result: {
      source: config.source,
      policy: rule,
      category: source,
      message: str(event.output) || rule,
      severity: falcoSeverity(priority),
      result: falcoResult(priority),
      scored: true,
      timestamp: time,
      properties,
    },
  };
}
