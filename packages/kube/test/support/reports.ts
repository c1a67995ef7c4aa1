import type { ReportObject } from '@docket/model';
import type { ObjectRef } from '../../src/index.ts';

export const POLR = { group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports' } as const;

export function polrRef(namespace: string, name: string): ObjectRef {
  return { ...POLR, namespace, name };
}

/** A minimal valid PolicyReport with one result per policy name. */
export function polr(namespace: string, name: string, policies: string[] = []): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: { name, namespace },
    results: policies.map((policy) => ({ policy, result: 'fail', source: 'test' })),
  };
}
