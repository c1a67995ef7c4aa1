import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  imageReportName, stableResultId, toTrivyOperatorResults, toTrivyResults, trivyConfigSchema, trivyProducer, trivySeverity,
  type MappedResult, type ReportKey, type Skip,
} from '../src/index.ts';
import { assertDecodes } from './support/decode.ts';
import { fixture, fixturePath } from './support/fixtures.ts';
import { testLogger } from './support/grpc-servers.ts';

const scanTime = { seconds: 1795341700, nanos: 0 };
const ARTIFACT = 'registry.example.com/shop/web:1.4.2';
const OS_TARGET = 'registry.example.com/shop/web:1.4.2 (debian 12.8)';

function result(key: ReportKey, subjectId: string, kind: string, idParts: string[], fields: Record<string, unknown>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('trivy', subjectId, kind, ...idParts);
  return { reportKey: key, resultId, result: { ...fields, properties: { resultID: resultId, ...properties } } } as unknown as MappedResult;
}

test('image scan: every finding kind, severity without the legacy bugs, CVSS preference, scan time from CreatedAt', () => {
  const out = toTrivyResults(fixture('trivy-image.json'), trivyConfigSchema.parse({}), scanTime);
  const key = { producer: 'trivy', name: imageReportName(ARTIFACT) };
  assert.match(key.name, /^trivy-image-registry\.example\.com-shop-web-1\.4\.2-[0-9a-f]{10}$/);
  const T = { seconds: Date.parse('2026-11-22T08:30:00Z') / 1000, nanos: 123_456_000 };
  const id = `artifact/${ARTIFACT}`;
  const vuln = { source: 'Trivy Vulnerability', category: 'Vulnerability Scan', timestamp: T };
  const os = { target: OS_TARGET, class: 'os-pkgs', artifact: ARTIFACT };
  assert.deepEqual(out, [
    result(key, id, 'vulnerability', ['CVE-2026-0001', 'openssl@3.0.15-1~deb12u1', OS_TARGET], {
      ...vuln, policy: 'CVE-2026-0001', rule: 'openssl', message: 'openssl: buffer overread in X.509 name check', severity: 'critical', result: 'fail', scored: true,
    }, {
      package: 'openssl', pkgID: 'openssl@3.0.15-1~deb12u1', installedVersion: '3.0.15-1~deb12u1', fixedVersion: '3.0.16-1~deb12u1', status: 'fixed',
      score: '9.8', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', primaryURL: 'https://avd.aquasec.com/nvd/cve-2026-0001', ...os, publishedDate: '2026-01-10T12:00:00Z',
    }),
    result(key, id, 'vulnerability', ['CVE-2026-0002', 'zlib1g@1:1.2.13.dfsg-1', OS_TARGET], {
      ...vuln, policy: 'CVE-2026-0002', rule: 'zlib1g', message: 'zlib: integer overflow', severity: 'medium', result: 'warn', scored: true,
    }, { package: 'zlib1g', pkgID: 'zlib1g@1:1.2.13.dfsg-1', installedVersion: '1:1.2.13.dfsg-1', status: 'affected', score: '4.3', cvssVector: 'AV:N/AC:M/Au:N/C:N/I:N/A:P', ...os }),
    result(key, id, 'vulnerability', ['CVE-2026-0003', 'tar@1.34', OS_TARGET], {
      ...vuln, policy: 'CVE-2026-0003', rule: 'tar', message: 'Not yet analysed', result: 'skip', scored: false,
    }, { package: 'tar', pkgID: 'tar@1.34', installedVersion: '1.34', ...os }),
    result(key, id, 'vulnerability', ['CVE-2026-0004', 'bash', OS_TARGET], {
      ...vuln, policy: 'CVE-2026-0004', rule: 'bash', message: 'bash: something', severity: 'high', result: 'fail', scored: true,
    }, { package: 'bash', installedVersion: '5.2.15', score: '7.1', cvssVector: 'CVSS:3.1/AV:L', ...os }),
    result(key, id, 'vulnerability', ['GHSA-aaaa-bbbb-cccc', 'lodash@4.17.20', 'app/package-lock.json'], {
      ...vuln, policy: 'GHSA-aaaa-bbbb-cccc', rule: 'lodash', message: 'lodash: prototype pollution', severity: 'low', result: 'warn', scored: false,
    }, { package: 'lodash', pkgID: 'lodash@4.17.20', installedVersion: '4.17.20', fixedVersion: '4.17.21', target: 'app/package-lock.json', class: 'lang-pkgs', artifact: ARTIFACT }),
    { skip: 'malformed: vulnerability without VulnerabilityID or PkgName', malformed: true },
    result(key, id, 'secret', ['aws-access-key-id', '/app/.env', '3'], {
      source: 'Trivy ExposedSecrets', policy: 'aws-access-key-id', rule: 'AWS', category: 'Exposed Secret', message: 'AWS Access Key ID',
      severity: 'critical', result: 'fail', scored: true, timestamp: T,
    }, { target: '/app/.env', line: '3', artifact: ARTIFACT }),
  ]);
  assertDecodes(out.filter((o): o is MappedResult => !('skip' in o)));
});

test('k8s scan: one report per resource, namespaced or cluster-scoped, misconfigurations pass/fail by status', () => {
  const out = toTrivyResults(fixture('trivy-k8s.json'), trivyConfigSchema.parse({}), scanTime);
  const web = { producer: 'trivy', namespace: 'shop', scope: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' } };
  const cr = { producer: 'trivy', scope: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'cluster-admin' } };
  const audit = { source: 'Trivy ConfigAudit', category: 'Kubernetes Security Check', scored: true, timestamp: scanTime };
  assert.deepEqual(out, [
    result(web, 'kind-kind/shop/Deployment/web', 'vulnerability', ['CVE-2026-0001', 'openssl@3.0.15', 'nginx:1.27 (debian 12.8)'], {
      source: 'Trivy Vulnerability', policy: 'CVE-2026-0001', rule: 'openssl', category: 'Vulnerability Scan', message: 'openssl: buffer overread',
      severity: 'high', result: 'fail', scored: false, timestamp: scanTime,
    }, { package: 'openssl', pkgID: 'openssl@3.0.15', installedVersion: '3.0.15', fixedVersion: '3.0.16', target: 'nginx:1.27 (debian 12.8)', class: 'os-pkgs', artifact: 'Deployment/web' }),
    result(web, 'kind-kind/shop/Deployment/web', 'misconfiguration', ['AVD-KSV-0001', 'Deployment/web'], {
      ...audit, policy: 'Can elevate its own privileges', rule: 'AVD-KSV-0001',
      message: "Container 'web' of Deployment 'web' should set 'securityContext.allowPrivilegeEscalation' to false", severity: 'medium', result: 'fail',
    }, { resolution: "Set 'set containers[].securityContext.allowPrivilegeEscalation' to 'false'.", primaryURL: 'https://avd.aquasec.com/misconfig/ksv001', target: 'Deployment/web', artifact: 'Deployment/web' }),
    result(web, 'kind-kind/shop/Deployment/web', 'misconfiguration', ['AVD-KSV-0003', 'Deployment/web'], {
      ...audit, policy: 'Default capabilities not dropped', rule: 'AVD-KSV-0003', message: "Container 'web' drops all capabilities", severity: 'low', result: 'pass',
    }, { target: 'Deployment/web', artifact: 'Deployment/web' }),
    result(cr, 'kind-kind//ClusterRole/cluster-admin', 'misconfiguration', ['AVD-KSV-0046', 'ClusterRole/cluster-admin'], {
      ...audit, policy: 'Manage all resources', rule: 'AVD-KSV-0046', message: "ClusterRole 'cluster-admin' shouldn't manage all resources", severity: 'critical', result: 'fail',
    }, { target: 'ClusterRole/cluster-admin', artifact: 'ClusterRole/cluster-admin' }),
    { skip: 'malformed: k8s resource without Kind/Name', malformed: true },
  ]);
  assertDecodes(out.filter((o): o is MappedResult => !('skip' in o)));
});

test('severity table and documents that are not Trivy output', () => {
  assert.deepEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', 'NEGLIGIBLE'].map(trivySeverity), [
    { severity: 'critical', result: 'fail' }, { severity: 'high', result: 'fail' }, { severity: 'medium', result: 'warn' },
    { severity: 'low', result: 'warn' }, { result: 'skip' }, { severity: 'info', result: 'fail' },
  ]);
  assert.deepEqual(toTrivyResults([1], {}, scanTime), [{ skip: 'malformed: trivy document is not an object', malformed: true }]);
  assert.deepEqual(toTrivyResults({ foo: 1 }, {}, scanTime), [{ skip: 'malformed: trivy document without ArtifactName/Results or Resources', malformed: true }]);
  const ns = toTrivyResults(fixture('trivy-image.json'), { namespace: 'scans' }, scanTime)[0] as MappedResult;
  assert.deepEqual(ns.reportKey, { producer: 'trivy', name: imageReportName(ARTIFACT), namespace: 'scans' });
});

test('producer run reads files and stdin; unreadable and non-JSON inputs are counted, not thrown', async () => {
  const results: MappedResult[] = [];
  const skips: Skip[] = [];
  const config = trivyConfigSchema.parse({ files: [fixturePath('trivy-k8s.json'), '-', '/nonexistent/trivy.json'] });
  const stdin = Readable.from([Buffer.from('{"SchemaVersion": 2, "ArtifactName": "x", "Results": '), Buffer.from('[]}')]);
  await trivyProducer.create(config, { logger: testLogger().logger, now: () => 1_795_341_700_000, stdin })
    .run({ onResult: (m) => results.push(m), onSkip: (s) => skips.push(s) }, new AbortController().signal);
  assert.equal(results.length, 4);
  assert.deepEqual(results[0]!.result.timestamp, scanTime);
  assert.deepEqual(skips.map((s) => s.skip), ['malformed: k8s resource without Kind/Name', 'malformed: input not readable']);
  const bad: Skip[] = [];
  await trivyProducer.create(trivyConfigSchema.parse({}), { logger: testLogger().logger, now: Date.now, stdin: Readable.from(['not json']) })
    .run({ onResult: () => assert.fail('no result expected'), onSkip: (s) => bad.push(s) }, new AbortController().signal);
  assert.deepEqual(bad, [{ skip: 'malformed: input is not JSON', malformed: true }]);
});

test('trivy-operator VulnerabilityReport and ConfigAuditReport objects: scope from the owner (with uid) or the labels', () => {
  const [vulns, audit] = fixture('trivy-operator.json') as unknown[];
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c8', uid: '5b0c2f7e-aaaa-bbbb-cccc-000000000001', namespace: 'shop' };
  const key = { producer: 'trivy', namespace: 'shop', scope: rs };
  const T = { seconds: Date.parse('2026-11-22T09:05:00Z') / 1000, nanos: 0 };
  const vid = (cve: string, pkg: string) => stableResultId('trivy', rs.uid, 'vulnerability', cve, pkg, 'web');
  const out = toTrivyOperatorResults(vulns, scanTime);
  assert.deepEqual(out, [
    { reportKey: key, resultId: vid('CVE-2026-0001', 'openssl'), result: {
      source: 'Trivy Vulnerability', policy: 'CVE-2026-0001', rule: 'openssl', category: 'Vulnerability Scan', message: 'openssl: buffer overread',
      severity: 'critical', result: 'fail', scored: true, timestamp: T,
      properties: { resultID: vid('CVE-2026-0001', 'openssl'), package: 'openssl', installedVersion: '3.0.15', fixedVersion: '3.0.16', score: '9.8',
        primaryURL: 'https://avd.aquasec.com/nvd/cve-2026-0001', container: 'web', artifact: 'index.docker.io/library/nginx:1.27' },
    } },
    { reportKey: key, resultId: vid('CVE-2026-0003', 'tar'), result: {
      source: 'Trivy Vulnerability', policy: 'CVE-2026-0003', rule: 'tar', category: 'Vulnerability Scan', message: 'Not yet analysed',
      result: 'skip', scored: false, timestamp: T,
      properties: { resultID: vid('CVE-2026-0003', 'tar'), package: 'tar', installedVersion: '1.34', container: 'web', artifact: 'index.docker.io/library/nginx:1.27' },
    } },
  ]);
  const labelled = { kind: 'ReplicaSet', name: 'web-7d9c8', namespace: 'shop' };
  const cid = (check: string) => stableResultId('trivy', 'shop/ReplicaSet/web-7d9c8', 'misconfiguration', check);
  const T2 = { seconds: Date.parse('2026-11-22T09:10:00Z') / 1000, nanos: 0 };
  const checks = toTrivyOperatorResults(audit, scanTime);
  assert.deepEqual(checks, [
    { reportKey: { producer: 'trivy', namespace: 'shop', scope: labelled }, resultId: cid('KSV001'), result: {
      source: 'Trivy ConfigAudit', policy: 'Can elevate its own privileges', rule: 'KSV001', category: 'Kubernetes Security Check',
      message: "Container 'web' should set 'securityContext.allowPrivilegeEscalation' to false", severity: 'medium', result: 'fail', scored: true, timestamp: T2,
      properties: { resultID: cid('KSV001'), remediation: 'Set allowPrivilegeEscalation to false.' },
    } },
    { reportKey: { producer: 'trivy', namespace: 'shop', scope: labelled }, resultId: cid('KSV003'), result: {
      source: 'Trivy ConfigAudit', policy: 'Default capabilities not dropped', rule: 'KSV003', category: 'Kubernetes Security Check',
      message: 'KSV003', severity: 'low', result: 'pass', scored: true, timestamp: T2, properties: { resultID: cid('KSV003') },
    } },
  ]);
  assertDecodes([...out, ...checks] as MappedResult[]);
  assert.deepEqual(toTrivyOperatorResults({ kind: 'SbomReport', metadata: { ownerReferences: [{ kind: 'Pod', name: 'p' }] }, report: {} }, scanTime),
    [{ skip: 'unsupported trivy-operator kind SbomReport' }]);
  assert.deepEqual(toTrivyOperatorResults({ kind: 'VulnerabilityReport', metadata: {}, report: {} }, scanTime),
    [{ skip: 'malformed: trivy-operator report without report or owner', malformed: true }]);
});
