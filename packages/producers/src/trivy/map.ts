import { createHash } from 'node:crypto';
import type { ObjectReference, ReportResult, Timestamp } from '@docket/model';
import type { MapOutcome, MappedResult, ReportKey } from '../types.ts';
import { stableResultId } from '../shared/ids.ts';
import { parseRfc3339 } from '../shared/time.ts';
import { arr, clip, isRecord, props, rec, str, type Rec } from '../shared/values.ts';
import type { TrivyMapConfig } from './config.ts';
import { trivySeverity } from './severity.ts';

const KIND_API_VERSIONS: Record<string, string> = {
  Pod: 'v1', ReplicationController: 'v1', Service: 'v1', ConfigMap: 'v1', Secret: 'v1', ServiceAccount: 'v1',
  Namespace: 'v1', Node: 'v1', Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1', ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1', Ingress: 'networking.k8s.io/v1',
};

interface Subject { key: ReportKey; id: string; artifact: string }

/** A DNS-1123 report name for an image: readable prefix plus a hash so distinct images never collide. */
export function imageReportName(artifact: string): string {
  const slug = artifact.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 40).replace(/[-.]+$/, '');
  const hash = createHash('sha256').update(artifact).digest('hex').slice(0, 10);
  return `trivy-image-${slug ? `${slug}-` : ''}${hash}`;
}

/** The CVSS score Trivy's own severity came from, else NVD's, else any; v3 before v2. */
function cvss(v: Rec): { score?: string; vector?: string } {
  const all = rec(v.CVSS) ?? {};
  const preferred = [str(v.SeveritySource), 'nvd', ...Object.keys(all)].map((k) => rec(all[k])).filter((x): x is Rec => !!x);
  for (const c of preferred) if (c.V3Score !== undefined) return { score: str(c.V3Score), vector: str(c.V3Vector) };
  for (const c of preferred) if (c.V2Score !== undefined) return { score: str(c.V2Score), vector: str(c.V2Vector) };
  return {};
}

function mapped(subject: Subject, kind: string, parts: string[], result: Omit<ReportResult, 'properties'>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('trivy', subject.id, kind, ...parts);
  return { reportKey: subject.key, resultId, result: { ...result, properties: { resultID: resultId, ...properties } } };
}

function mapVulnerability(v: Rec, target: Rec, subject: Subject, time: Timestamp): MapOutcome {
  const id = str(v.VulnerabilityID);
  const pkg = str(v.PkgName);
  if (!id || !pkg) return { skip: 'malformed: vulnerability without VulnerabilityID or PkgName', malformed: true };
  const { severity, result } = trivySeverity(str(v.Severity));
  const { score, vector } = cvss(v);
  return mapped(subject, 'vulnerability', [id, str(v.PkgID) || pkg, str(target.Target)], {
    source: 'Trivy Vulnerability', policy: id, rule: pkg, category: 'Vulnerability Scan',
    message: clip(str(v.Title) || str(v.Description) || id, 512),
    ...(severity ? { severity } : {}), result, scored: score !== undefined, timestamp: time,
  }, props({
    package: pkg, pkgID: str(v.PkgID), installedVersion: str(v.InstalledVersion), fixedVersion: str(v.FixedVersion),
    status: str(v.Status), score, cvssVector: vector, primaryURL: str(v.PrimaryURL), target: str(target.Target),
    class: str(target.Class), artifact: subject.artifact, publishedDate: str(v.PublishedDate),
  }));
}

function mapMisconfiguration(m: Rec, target: Rec, subject: Subject, time: Timestamp): MapOutcome {
  const id = str(m.AVDID) || str(m.ID);
  if (!id) return { skip: 'malformed: misconfiguration without ID', malformed: true };
  const status = str(m.Status).toUpperCase();
  const { severity, result } = trivySeverity(str(m.Severity));
  return mapped(subject, 'misconfiguration', [id, str(target.Target)], {
    source: 'Trivy ConfigAudit', policy: str(m.Title) || id, rule: id, category: str(m.Type) || 'Config Audit',
    message: clip(str(m.Message) || str(m.Description) || id, 512),
    ...(severity ? { severity } : {}),
    // A passed check passes whatever its severity; an exception is an accepted risk.
    result: status === 'PASS' ? 'pass' : status === 'EXCEPTION' ? 'skip' : result === 'skip' ? 'skip' : 'fail',
    scored: true, timestamp: time,
  }, props({ resolution: clip(str(m.Resolution), 1024), primaryURL: str(m.PrimaryURL), target: str(target.Target), artifact: subject.artifact }));
}

function mapSecret(s: Rec, target: Rec, subject: Subject, time: Timestamp): MapOutcome {
  const id = str(s.RuleID);
  if (!id) return { skip: 'malformed: secret without RuleID', malformed: true };
  const { severity, result } = trivySeverity(str(s.Severity));
  return mapped(subject, 'secret', [id, str(target.Target), str(s.StartLine)], {
    source: 'Trivy ExposedSecrets', policy: id, rule: str(s.Category), category: 'Exposed Secret',
    message: clip(str(s.Title) || id, 512), ...(severity ? { severity } : {}), result, scored: true, timestamp: time,
  }, props({ target: str(target.Target), line: str(s.StartLine), artifact: subject.artifact }));
}

/** Every finding of a `Results` array (vulnerabilities, misconfigurations, secrets). */
function mapResults(results: unknown, subject: Subject, time: Timestamp): MapOutcome[] {
  const out: MapOutcome[] = [];
  for (const t of arr(results)) {
    if (!isRecord(t)) { out.push({ skip: 'malformed: result entry is not an object', malformed: true }); continue; }
    for (const v of arr(t.Vulnerabilities)) out.push(isRecord(v) ? mapVulnerability(v, t, subject, time) : { skip: 'malformed: vulnerability is not an object', malformed: true });
    for (const m of arr(t.Misconfigurations)) out.push(isRecord(m) ? mapMisconfiguration(m, t, subject, time) : { skip: 'malformed: misconfiguration is not an object', malformed: true });
    for (const s of arr(t.Secrets)) out.push(isRecord(s) ? mapSecret(s, t, subject, time) : { skip: 'malformed: secret is not an object', malformed: true });
  }
  return out;
}

function resourceSubject(r: Rec, cluster: string): Subject | undefined {
  const kind = str(r.Kind);
  const name = str(r.Name);
  if (!kind || !name) return undefined;
  const namespace = str(r.Namespace);
  const scope: ObjectReference = { apiVersion: KIND_API_VERSIONS[kind] ?? '', kind, name, ...(namespace ? { namespace } : {}) };
  if (!scope.apiVersion) delete scope.apiVersion;
  const key: ReportKey = namespace ? { producer: 'trivy', namespace, scope } : { producer: 'trivy', scope };
  return { key, id: `${cluster}/${namespace}/${kind}/${name}`, artifact: `${kind}/${name}` };
}

/**
 * Maps one Trivy JSON document to results: an image/filesystem scan (`ArtifactName` + `Results`)
 * becomes one report per artifact; a k8s scan (`Resources`, or the older `Vulnerabilities` /
 * `Misconfigurations` resource lists) one report per scanned resource. Findings are timestamped
 * with the scan's `CreatedAt`, else `scanTime`.
 */
export function toTrivyResults(doc: unknown, config: TrivyMapConfig, scanTime: Timestamp): MapOutcome[] {
  if (!isRecord(doc)) return [{ skip: 'malformed: trivy document is not an object', malformed: true }];
  const time = parseRfc3339(str(doc.CreatedAt)) ?? scanTime;
  const resources = [...arr(doc.Resources), ...arr(doc.Vulnerabilities), ...arr(doc.Misconfigurations)];
  if (resources.length > 0 || doc.ClusterName !== undefined) {
    const cluster = str(doc.ClusterName);
    return resources.flatMap((r) => {
      const subject = isRecord(r) ? resourceSubject(r, cluster) : undefined;
      return subject ? mapResults((r as Rec).Results, subject, time) : [{ skip: 'malformed: k8s resource without Kind/Name', malformed: true } as MapOutcome];
    });
  }
  const artifact = str(doc.ArtifactName);
  if (!artifact || (!Array.isArray(doc.Results) && doc.Results !== undefined && doc.Results !== null)) {
    return [{ skip: 'malformed: trivy document without ArtifactName/Results or Resources', malformed: true }];
  }
  const key: ReportKey = { producer: 'trivy', name: imageReportName(artifact), ...(config.namespace ? { namespace: config.namespace } : {}) };
  return mapResults(doc.Results, { key, id: `artifact/${artifact}`, artifact }, time);
}
