import type { ObjectReference, Timestamp } from '@docket/model';
import type { MapOutcome, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { parseRfc3339 } from '../shared/time.ts';
import { arr, clip, isRecord, props, rec, str, type Rec } from '../shared/values.ts';
import { trivySeverity } from './severity.ts';

/** The workload a trivy-operator report is about: its single owner, else the `trivy-operator.resource.*` labels. */
function scopeOf(meta: Rec): ObjectReference | undefined {
  const owners = arr(meta.ownerReferences).filter(isRecord);
  const namespace = str(meta.namespace);
  if (owners.length === 1) {
    const o = owners[0]!;
    return { apiVersion: str(o.apiVersion), kind: str(o.kind), name: str(o.name), uid: str(o.uid), ...(namespace ? { namespace } : {}) };
  }
  const labels = rec(meta.labels) ?? {};
  const kind = str(labels['trivy-operator.resource.kind']);
  const name = str(labels['trivy-operator.resource.name']);
  if (!kind || !name) return undefined;
  return { kind, name, ...(namespace ? { namespace } : {}) };
}

function subjectId(scope: ObjectReference): string {
  return scope.uid || `${scope.namespace ?? ''}/${scope.kind}/${scope.name}`;
}

/**
 * Maps a trivy-operator VulnerabilityReport or ConfigAuditReport object (as read from the
 * cluster) to results about the scanned workload, with the same severity rules as Trivy's JSON.
 * Timestamps come from `report.updateTimestamp`, else the object's creationTimestamp.
 */
export function toTrivyOperatorResults(object: unknown, scanTime: Timestamp): MapOutcome[] {
  if (!isRecord(object)) return [{ skip: 'malformed: object is not an object', malformed: true }];
  const meta = rec(object.metadata) ?? {};
  const report = rec(object.report);
  const scope = scopeOf(meta);
  if (!report || !scope) return [{ skip: 'malformed: trivy-operator report without report or owner', malformed: true }];
  const time = parseRfc3339(str(report.updateTimestamp)) ?? parseRfc3339(str(meta.creationTimestamp)) ?? scanTime;
  const key: ReportKey = scope.namespace ? { producer: 'trivy', namespace: scope.namespace, scope } : { producer: 'trivy', scope };
  const container = str((rec(meta.labels) ?? {})['trivy-operator.container.name']);
  const id = subjectId(scope);
  switch (str(object.kind)) {
    case 'VulnerabilityReport': case 'ClusterVulnerabilityReport': {
      const artifact = rec(report.artifact) ?? {};
      const image = [str(rec(report.registry)?.server), str(artifact.repository)].filter(Boolean).join('/') + (str(artifact.tag) ? `:${str(artifact.tag)}` : '');
      return arr(report.vulnerabilities).map((v): MapOutcome => {
        if (!isRecord(v) || !str(v.vulnerabilityID) || !str(v.resource)) return { skip: 'malformed: vulnerability without vulnerabilityID or resource', malformed: true };
        const { severity, result } = trivySeverity(str(v.severity));
        const resultId = stableResultId('trivy', id, 'vulnerability', str(v.vulnerabilityID), str(v.resource), container || str(v.target));
        return {
          reportKey: key, resultId,
          result: {
            source: 'Trivy Vulnerability', policy: str(v.vulnerabilityID), rule: str(v.resource), category: 'Vulnerability Scan',
            message: clip(str(v.title) || str(v.description) || str(v.vulnerabilityID), 512), ...(severity ? { severity } : {}), result,
            scored: v.score !== undefined, timestamp: time,
            properties: props({
              resultID: resultId, package: str(v.resource), installedVersion: str(v.installedVersion), fixedVersion: str(v.fixedVersion),
              score: v.score === undefined ? undefined : str(v.score), primaryURL: str(v.primaryLink), container, artifact: image, target: str(v.target),
            }),
          },
        };
      });
    }
    case 'ConfigAuditReport': case 'ClusterConfigAuditReport':
      return arr(report.checks).map((c): MapOutcome => {
        if (!isRecord(c) || !str(c.checkID)) return { skip: 'malformed: check without checkID', malformed: true };
        const { severity, result } = trivySeverity(str(c.severity));
        const resultId = stableResultId('trivy', id, 'misconfiguration', str(c.checkID));
        const messages = arr(c.messages).map(str).filter(Boolean);
        return {
          reportKey: key, resultId,
          result: {
            source: 'Trivy ConfigAudit', policy: str(c.title) || str(c.checkID), rule: str(c.checkID), category: str(c.category) || 'Config Audit',
            message: clip(messages.join('; ') || str(c.description) || str(c.checkID), 1024), ...(severity ? { severity } : {}),
            result: c.success === true ? 'pass' : result === 'skip' ? 'skip' : 'fail', scored: true, timestamp: time,
            properties: props({ resultID: resultId, remediation: clip(str(c.remediation), 1024) }),
          },
        };
      });
    default:
      return [{ skip: `unsupported trivy-operator kind ${str(object.kind) || 'unset'}` }];
  }
}
