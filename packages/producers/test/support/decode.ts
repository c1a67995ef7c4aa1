import assert from 'node:assert/strict';
import { decodeReport, findResource } from '@docket/model';
import type { MappedResult } from '../../src/index.ts';
import { reportKeyId } from '../../src/index.ts';

/**
 * Groups mapped results by report key and decodes each group as a v1alpha2 (Cluster)PolicyReport
 * with the model's strict decoder: a mapper must produce results the API server accepts.
 */
export function assertDecodes(mapped: readonly MappedResult[]): void {
  const groups = new Map<string, MappedResult[]>();
  for (const m of mapped) {
    const id = reportKeyId(m.reportKey);
    groups.set(id, [...(groups.get(id) ?? []), m]);
  }
  for (const [id, group] of groups) {
    const key = group[0]!.reportKey;
    const plural = key.namespace ? 'policyreports' : 'clusterpolicyreports';
    const resource = findResource('wgpolicyk8s.io', 'v1alpha2', plural);
    assert.ok(resource);
    const body = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: resource.kind,
      metadata: { name: 'mapped', ...(key.namespace ? { namespace: key.namespace } : {}) },
      ...(key.scope ? { scope: key.scope } : {}),
      results: group.map((m) => m.result),
    };
    assert.doesNotThrow(() => decodeReport(body, { resource, version: 'v1alpha2' }, { fieldValidation: 'Strict' }), `report ${id} must decode`);
    for (const m of group) assert.equal(m.result.properties?.resultID, m.resultId);
  }
}
