import type { ObjectReference, Timestamp } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { parseRfc3339, timestampFromMillis } from '../shared/time.ts';
import { clip, isRecord, props, rec, str, type Rec } from '../shared/values.ts';
import type { KyvernoMapConfig } from './config.ts';

/** The report every blocked request of a namespace goes to (and the cluster report's name). */
export const KYVERNO_REPORT_NAME = 'kyverno-blocked';

/** Kinds whose objects live outside namespaces, for messages without a `related` reference. */
const CLUSTER_KINDS = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass']);

/** A time field as JSON text (RFC 3339) or as client-node's typed Date. */
function timeOf(v: unknown): Timestamp | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : timestampFromMillis(v.getTime());
  return typeof v === 'string' && v ? parseRfc3339(v) : undefined;
}

/** The fields both Event APIs carry, read from either shape (core/v1 or events.k8s.io/v1). */
export interface EventView {
  uid: string;
  name: string;
  namespace: string;
  reason: string;
  message: string;
  action: string;
  component: string;
  /** The policy (`involvedObject` / `regarding`). */
  policy?: Rec;
  /** The rejected resource (`related`), when Kyverno set it. */
  related?: Rec;
  /** Occurrences so far (`count` / `series.count`). */
  count: number;
  time?: Timestamp;
}

export function toEventView(e: Rec): EventView {
  const meta = rec(e.metadata) ?? {};
  const series = rec(e.series);
  const source = rec(e.source) ?? rec(e.deprecatedSource);
  const newShape = e.regarding !== undefined || e.note !== undefined || e.reportingController !== undefined;
  const count = Number(newShape ? (series?.count ?? e.deprecatedCount ?? 1) : (e.count ?? series?.count ?? 1));
  return {
    uid: str(meta.uid),
    name: str(meta.name),
    namespace: str(meta.namespace),
    reason: str(e.reason),
    message: str(newShape ? e.note : e.message),
    action: str(e.action),
    component: str(e.reportingController) || str(e.reportingComponent) || str(source?.component),
    policy: rec(newShape ? e.regarding : e.involvedObject),
    related: rec(e.related),
    count: Number.isSafeInteger(count) && count > 0 ? count : 1,
    time: timeOf(series?.lastObservedTime) ?? timeOf(e.lastTimestamp) ?? timeOf(e.deprecatedLastTimestamp) ?? timeOf(e.eventTime)
      ?? timeOf(e.firstTimestamp) ?? timeOf(e.deprecatedFirstTimestamp) ?? timeOf(meta.creationTimestamp),
  };
}

/** `Pod shop/web: [require-labels] fail (blocked); validation error: …` → its parts. */
export function parseViolationMessage(message: string): { kind: string; namespace?: string; name: string; rule: string; detail: string } | undefined {
  const m = /^(\S+) (?:([^\s/]+)\/)?([^\s:]+): \[([^\]]*)\] ?(?:fail|error)?(?: \(blocked\))?;? ?([\s\S]*)$/.exec(message.trim());
  if (!m) return undefined;
  const [, kind, namespace, name, rule, detail] = m;
  return { kind: kind!, ...(namespace ? { namespace } : {}), name: name!, rule: rule!.trim(), detail: detail!.trim() };
}

/** The text after `(blocked); ` — for CEL policies the message has no `Kind ns/name: [rule]` prefix. */
function detailOf(message: string): string {
  const i = message.indexOf('(blocked);');
  return (i >= 0 ? message.slice(i + '(blocked);'.length) : message).trim();
}

/**
 * Maps one Kyverno PolicyViolation Event to a result in the blocked-requests report of the
 * rejected resource's namespace (cluster report for cluster-scoped resources). Repeated denials
 * of the same resource by the same policy rule share a resultID, so the writer counts them
 * instead of appending (the kyverno plugin's reports grew with every retry). `occurrences` is how
 * many new occurrences this event stands for (an updated Event's count minus the one seen before).
 */
export function toKyvernoResult(event: unknown, config: KyvernoMapConfig, occurrences = 1): MapOutcome {
  if (!isRecord(event)) return { skip: 'malformed: event is not an object', malformed: true };
  const e = toEventView(event);
  if (e.reason !== 'PolicyViolation') return { skip: 'reason is not PolicyViolation' };
  if (config.components.length > 0 && e.component && !config.components.includes(e.component)) return { skip: 'not from a selected component' };
  const blocked = e.message.includes('(blocked)') || e.action === 'Resource Blocked';
  if (config.onlyBlocked && !blocked) return { skip: 'violation was not blocked' };
  if (!e.time) return { skip: 'malformed: event without a time', malformed: true };
  const policyName = str(e.policy?.name);
  if (!policyName) return { skip: 'malformed: event without the policy (involvedObject/regarding)', malformed: true };
  const policyNs = str(e.policy?.namespace);
  const policyKind = str(e.policy?.kind);
  // Namespaced policy kinds are named ns/name; Kyverno fills involvedObject.namespace only for those.
  const policy = policyNs && !policyKind.startsWith('Cluster') ? `${policyNs}/${policyName}` : policyName;
  const parsed = parseViolationMessage(e.message);
  const related = e.related;
  const resource: ObjectReference | undefined = related && str(related.name)
    ? {
      ...(str(related.apiVersion) ? { apiVersion: str(related.apiVersion) } : {}), kind: str(related.kind),
      ...(str(related.namespace) ? { namespace: str(related.namespace) } : {}), name: str(related.name),
      ...(str(related.uid) ? { uid: str(related.uid) } : {}),
    }
    : parsed ? { kind: parsed.kind, ...(parsed.namespace && !CLUSTER_KINDS.has(parsed.kind) ? { namespace: parsed.namespace } : {}), name: parsed.name } : undefined;
  if (!resource) return { skip: 'malformed: cannot tell which resource was blocked', malformed: true };
  const rule = parsed?.rule ?? '';
  const detail = parsed?.detail || detailOf(e.message);
  const namespace = resource.namespace;
  const key: ReportKey = namespace ? { producer: 'kyverno', namespace, name: KYVERNO_REPORT_NAME } : { producer: 'kyverno', name: KYVERNO_REPORT_NAME };
  const resultId = stableResultId('kyverno', resource.kind ?? '', namespace ?? '', resource.name ?? '', policy, rule);
  return {
    reportKey: key,
    resultId,
    result: {
      source: config.source,
      policy,
      ...(rule ? { rule } : {}),
      category: config.category,
      message: clip(detail || e.message || `${policy} blocked ${resource.kind} ${resource.name}`, 1024),
      ...(config.severity ? { severity: config.severity } : {}),
      result: blocked ? 'fail' : 'warn',
      scored: true,
      timestamp: e.time,
      resources: [resource],
      properties: props({
        resultID: resultId,
        count: occurrences > 1 ? occurrences : undefined,
        eventName: e.name,
        eventNamespace: e.namespace,
        policyKind,
        action: e.action,
      }),
    },
  };
}
