import type { ObjectReference, Timestamp } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { timestampOf } from '../shared/time.ts';
import { arr, isRecord, props, rec, str, type Rec } from '../shared/values.ts';
import type { HubbleMapConfig } from './config.ts';

const L4_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6'] as const;

interface L4 { protocol: string; port?: number; icmpType?: number; icmpCode?: number }

/** The layer-4 part of a flow: works for proto-loader objects (oneof name) and protojson. */
export function toL4(l4: unknown): L4 {
  const r = rec(l4);
  if (!r) return { protocol: 'unknown' };
  for (const p of L4_PROTOCOLS) {
    const v = rec(r[p]);
    if (!v) continue;
    if (p.startsWith('ICMP')) return { protocol: p, icmpType: Number(v.type ?? 0), icmpCode: Number(v.code ?? 0) };
    return { protocol: p, port: Number(v.destination_port ?? 0) };
  }
  return { protocol: 'other' };
}

/** Hubble node names are `cluster/node`; reports want the Node object's name. */
function nodeName(flow: Rec): string {
  const n = str(flow.node_name);
  return n.slice(n.lastIndexOf('/') + 1);
}

function podOf(ep: Rec | undefined): { namespace: string; pod: string } | undefined {
  const namespace = str(ep?.namespace);
  const pod = str(ep?.pod_name);
  return namespace && pod ? { namespace, pod } : undefined;
}

function workloadOf(ep: Rec | undefined): string {
  const w = rec(arr(ep?.workloads)[0]);
  return w ? [str(w.kind), str(w.name)].filter(Boolean).join('/') : '';
}

/** `reserved:world`, `reserved:host`... — what Cilium knows about a non-pod peer. */
function reservedLabels(ep: Rec | undefined): string {
  return arr(ep?.labels).map(str).filter((l) => l.startsWith('reserved:')).join(',');
}

function hostPort(host: string, port: number | undefined): string {
  if (port === undefined) return host;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function policyName(p: Rec): string {
  const name = str(p.name);
  const ns = str(p.namespace);
  return ns ? `${ns}/${name}` : name;
}

function subjectKey(flow: Rec, subject: Rec | undefined): { key: ReportKey; id: string } {
  const pod = podOf(subject);
  if (pod) {
    const scope: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.pod };
    return { key: { producer: 'hubble', namespace: pod.namespace, scope }, id: `${pod.namespace}/${pod.pod}` };
  }
  // Host and other non-pod endpoints: a cluster report about the node (the publisher dropped these).
  const node = nodeName(flow);
  if (node) return { key: { producer: 'hubble', scope: { apiVersion: 'v1', kind: 'Node', name: node } }, id: `node/${node}` };
  return { key: { producer: 'hubble', name: 'hubble-cluster' }, id: 'cluster' };
}

function selectedLabels(ep: Rec | undefined, keys: readonly string[]): Record<string, string> {
  if (keys.length === 0) return {};
  const out: Record<string, string> = {};
  for (const raw of arr(ep?.labels)) {
    const label = str(raw);
    // Hubble labels are `<source>:<key>=<value>`, e.g. `k8s:app=web`.
    const colon = label.indexOf(':');
    const eq = label.indexOf('=', colon + 1);
    if (colon < 0 || eq < 0) continue;
    const key = label.slice(colon + 1, eq);
    if (keys.includes(key)) out[key] = label.slice(eq + 1);
  }
  return out;
}

/**
 * Maps one Hubble flow (proto-loader object or `hubble observe -o json` flow) to a result.
 * The subject is the pod the policy protects: the source for EGRESS, the destination for
 * INGRESS. Every L4 protocol is kept (UDP/DNS, ICMPv6, SCTP), the denying policy is named when
 * the flow carries it, and the timestamp is the flow's own time.
 */
export function toHubbleResult(flow: unknown, config: HubbleMapConfig): MapOutcome {
  if (!isRecord(flow)) return { skip: 'malformed: flow is not an object', malformed: true };
  const time: Timestamp | undefined = timestampOf(flow.time);
  if (!time) return { skip: 'malformed: flow time missing or invalid', malformed: true };
  const verdict = str(flow.verdict);
  if (!(config.verdicts as readonly string[]).includes(verdict)) return { skip: `verdict ${verdict || 'unset'} not selected` };
  const direction = str(flow.traffic_direction);
  if (!(config.directions as readonly string[]).includes(direction)) return { skip: `direction ${direction || 'unset'} not selected` };

  const egress = direction === 'EGRESS';
  const subject = rec(egress ? flow.source : flow.destination);
  const peer = rec(egress ? flow.destination : flow.source);
  const ip = rec(flow.IP);
  const peerIp = str(egress ? ip?.destination : ip?.source);
  const peerPod = podOf(peer);
  const peerReserved = reservedLabels(peer);
  const peerName = str(arr(egress ? flow.destination_names : flow.source_names)[0])
    || (peerPod ? `${peerPod.namespace}/${peerPod.pod}` : '')
    || peerIp || peerReserved || 'unknown';
  const l4 = toL4(flow.l4);
  // The port is always the destination port: the peer's for egress, the subject's own for ingress.
  const rule = l4.port === undefined ? `${peerName}/${l4.protocol}`
    : egress ? `${hostPort(peerName, l4.port)}/${l4.protocol}` : `${peerName} → ${l4.port}/${l4.protocol}`;

  const denied = arr(egress ? flow.egress_denied_by : flow.ingress_denied_by).filter(isRecord);
  const policy = denied.length > 0 ? policyName(denied[0]!) : egress ? 'Egress Network Policy' : 'Ingress Network Policy';
  const dropReason = str(flow.drop_reason_desc) || 'DROP_REASON_UNKNOWN';
  const audit = verdict === 'AUDIT';
  const { key, id } = subjectKey(flow, subject);
  const resultId = stableResultId('hubble', id, policy, rule, verdict);
  const what = egress
    ? `egress ${l4.protocol} to ${l4.port === undefined ? peerName : hostPort(peerName, l4.port)}`
    : `ingress ${l4.protocol} from ${peerName}${l4.port === undefined ? '' : ` to port ${l4.port}`}`;
  const by = denied.length > 0 ? ` by policy ${policy}` : '';
  return {
    reportKey: key,
    resultId,
    result: {
      source: config.source,
      policy,
      rule,
      category: direction,
      message: `${audit ? 'Would drop (audit mode)' : 'Dropped'} ${what}${by}: ${dropReason}`,
      severity: config.severity,
      result: audit ? 'warn' : 'fail',
      scored: true,
      timestamp: time,
      properties: props({
        resultID: resultId,
        verdict,
        dropReason,
        protocol: l4.protocol,
        port: l4.port,
        icmpType: l4.icmpType,
        icmpCode: l4.icmpCode,
        peerIP: peerIp,
        peerNamespace: peerPod?.namespace ?? str(peer?.namespace),
        peerPod: peerPod?.pod,
        peerWorkload: workloadOf(peer),
        peerIdentity: peerReserved,
        workload: workloadOf(subject),
        node: nodeName(flow),
        policyKind: denied.length > 0 ? str(denied[0]!.kind) : undefined,
        ...selectedLabels(subject, config.labels),
      }),
    },
  };
}
