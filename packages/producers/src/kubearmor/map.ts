import type { ResultStatus, Severity, Timestamp } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { parseRfc3339, toTimestamp } from '../shared/time.ts';
import { arr, clip, isRecord, props, rec, str, type Rec } from '../shared/values.ts';
import type { KubearmorMapConfig } from './config.ts';

/** Severity "1".."10" (string in the proto) through the configured monotonic table. */
export function kubearmorSeverity(raw: string, config: KubearmorMapConfig): Severity {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(n) || n < 1 || n > 10) return config.defaultSeverity;
  return config.severities[n - 1]!;
}

/** Block → fail, Audit → warn, Allow → pass; unknown (older agents send none) → fail as before. */
export function kubearmorResult(action: string): ResultStatus {
  switch (action.toLowerCase()) {
    case 'audit': return 'warn';
    case 'allow': return 'pass';
    default: return 'fail';
  }
}

/** Epoch seconds plus the microseconds of UpdatedTime when both agree on the second. */
function alertTime(alert: Rec): Timestamp | undefined {
  const updated = parseRfc3339(str(alert.UpdatedTime));
  const seconds = str(alert.Timestamp);
  const fromSeconds = seconds && seconds !== '0' ? toTimestamp(seconds) : undefined;
  if (updated && (!fromSeconds || fromSeconds.seconds === updated.seconds)) return updated;
  return fromSeconds ?? updated;
}

function keyOf(alert: Rec): { key: ReportKey; id: string } {
  const namespace = str(alert.NamespaceName);
  const pod = str(alert.PodName);
  if (namespace && pod) {
    return { key: { producer: 'kubearmor', namespace, scope: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod } }, id: `${namespace}/${pod}` };
  }
  // Host alerts (no pod) belong to the node, in a cluster-scoped report; the publisher dropped them.
  const host = str(alert.HostName);
  if (host) return { key: { producer: 'kubearmor', scope: { apiVersion: 'v1', kind: 'Node', name: host } }, id: `node/${host}` };
  return { key: { producer: 'kubearmor', name: 'kubearmor-cluster' }, id: 'cluster' };
}

/**
 * Maps one KubeArmor alert (proto-loader object or the kubearmor-client JSON) to a result.
 * `rule` = operation + resource so distinct violations of one policy stay distinct; `message`
 * is the policy's message; the enforcement outcome goes to `result` (Block/Audit) and properties.
 */
export function toKubearmorResult(alert: unknown, config: KubearmorMapConfig): MapOutcome {
  if (!isRecord(alert)) return { skip: 'malformed: alert is not an object', malformed: true };
  const time = alertTime(alert);
  if (!time) return { skip: 'malformed: alert time missing or invalid', malformed: true };
  const operation = str(alert.Operation);
  // Throttling notices say alerts are being dropped; they are not findings.
  if (operation === 'AlertThreshold') return { skip: 'alert throttling notice' };
  const type = str(alert.Type);
  const policy = str(alert.PolicyName) || type;
  if (!policy) return { skip: 'malformed: alert without PolicyName and Type', malformed: true };
  const resource = str(alert.Resource);
  const action = str(alert.Action);
  const rule = clip([operation, resource].filter(Boolean).join(' '), 512);
  const { key, id } = keyOf(alert);
  const resultId = stableResultId('kubearmor', id, policy, type, rule, action);
  const owner = rec(alert.Owner);
  const tags = arr(alert.ATags).map(str).filter(Boolean).join(',') || str(alert.Tags);
  const enforcement = str(alert.Result);
  return {
    reportKey: key,
    resultId,
    result: {
      source: config.source,
      policy,
      rule,
      category: type,
      message: str(alert.Message) || `${action || 'Matched'} ${rule}${enforcement ? `: ${enforcement}` : ''}`,
      severity: kubearmorSeverity(str(alert.Severity), config),
      result: kubearmorResult(action),
      scored: true,
      timestamp: time,
      properties: props({
        resultID: resultId,
        action,
        enforcementResult: enforcement,
        operation,
        resource: clip(resource, 1024),
        process: str(alert.ProcessName),
        parentProcess: str(alert.ParentProcessName),
        command: clip(str(alert.Source), 1024),
        cwd: str(alert.Cwd),
        container: str(alert.ContainerName),
        containerImage: str(alert.ContainerImage),
        owner: owner ? [str(owner.Ref), str(owner.Name)].filter(Boolean).join('/') : undefined,
        tags,
        enforcer: str(alert.Enforcer),
        node: str(alert.HostName),
        cluster: str(alert.ClusterName),
        user: str(alert.UserName),
      }),
    },
  };
}
