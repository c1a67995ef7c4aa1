import type { ResultStatus, Timestamp } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { arr, clip, isRecord, props, str, type Rec } from '../shared/values.ts';
import type { KubeBenchMapConfig } from './config.ts';

/** PASS/FAIL/WARN as they are; INFO (not a valid result, the wg adapter's writes were rejected) → skip. */
export function kubeBenchStatus(status: string): ResultStatus | undefined {
  switch (status.toUpperCase()) {
    case 'PASS': return 'pass';
    case 'FAIL': return 'fail';
    case 'WARN': return 'warn';
    case 'INFO': return 'skip';
    default: return undefined;
  }
}

/** Controls of any known output shape: `{Controls: [...]}`, a bare array, or one control (older versions). */
function controlsOf(doc: unknown): unknown[] | undefined {
  if (Array.isArray(doc)) return doc;
  if (!isRecord(doc)) return undefined;
  if (Array.isArray(doc.Controls)) return doc.Controls;
  if (Array.isArray(doc.tests)) return [doc];
  return undefined;
}

function reportKey(nodeType: string, config: KubeBenchMapConfig): ReportKey {
  const type = nodeType.toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'unknown';
  if (!config.nodeName) return { producer: 'kube-bench', name: `kube-bench-${type}` };
  return {
    producer: 'kube-bench', name: `kube-bench-${config.nodeName}-${type}`,
    scope: { apiVersion: 'v1', kind: 'Node', name: config.nodeName },
  };
}

function mapCheck(check: Rec, group: Rec, control: Rec, config: KubeBenchMapConfig, time: Timestamp): MapOutcome {
  const number = str(check.test_number);
  const result = kubeBenchStatus(str(check.status));
  if (!number || !result) return { skip: 'malformed: check without test_number or known status', malformed: true };
  const nodeType = str(control.node_type);
  const resultId = stableResultId('kube-bench', config.nodeName ?? '', nodeType, number);
  const testDesc = str(check.test_desc);
  return {
    reportKey: reportKey(nodeType, config),
    resultId,
    result: {
      source: config.source,
      policy: [str(group.section), str(group.desc)].filter(Boolean).join(' '),
      rule: [number, testDesc].filter(Boolean).join(' '),
      category: str(control.text),
      message: clip(str(check.remediation) || testDesc || number, 2048),
      result,
      scored: check.scored === true,
      timestamp: time,
      properties: props({
        resultID: resultId,
        testNumber: number,
        nodeType,
        benchmark: str(control.version),
        type: str(check.type),
        audit: clip(str(check.audit), 1024),
        actualValue: clip(str(check.actual_value), 1024),
        expectedResult: clip(str(check.expected_result), 1024),
        reason: clip(str(check.reason), 1024),
      }),
    },
  };
}

/**
 * Maps `kube-bench --json` output: one result per check in one cluster-scoped report per target
 * (node type), or per node and target when `nodeName` is set. kube-bench output has no time of its
 * own, so every result carries `scanTime`.
 */
export function toKubeBenchResults(doc: unknown, config: KubeBenchMapConfig, scanTime: Timestamp): MapOutcome[] {
  const controls = controlsOf(doc);
  if (!controls) return [{ skip: 'malformed: not kube-bench JSON (no Controls)', malformed: true }];
  const out: MapOutcome[] = [];
  for (const control of controls) {
    if (!isRecord(control)) { out.push({ skip: 'malformed: control is not an object', malformed: true }); continue; }
    for (const group of arr(control.tests)) {
      if (!isRecord(group)) { out.push({ skip: 'malformed: test group is not an object', malformed: true }); continue; }
      for (const check of arr(group.results)) {
        out.push(isRecord(check) ? mapCheck(check, group, control, config, scanTime) : { skip: 'malformed: check is not an object', malformed: true });
      }
    }
  }
  return out;
}
