/**
 * Whole-report wire schemas, one per shape:
 *  - `v1alpha1`: wgpolicyk8s.io/v1alpha1 (status/data results);
 *  - `v1alpha2`: wgpolicyk8s.io/v1alpha2 (no top-level source/configuration);
 *  - `hub`: wgpolicyk8s.io/v1beta1, reports.x-k8s.io/v1beta2, openreports.io/v1alpha1 (identical).
 * `apiVersion`/`kind` are checked against the request by decode before the schema runs.
 */
import { z } from 'zod';
import { labelSelectorSchema, objectReferenceSchema, resultStatusSchema, summarySchema } from './common.ts';
import { objectMetaSchema } from './meta.ts';
import { resultSchema, resultV1alpha1Schema } from './result.ts';

export type WireShape = 'v1alpha1' | 'v1alpha2' | 'hub';

const envelope = {
  // Optional as in the CRDs; decode has already matched both against the request URL.
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema.optional(),
  scope: objectReferenceSchema.optional(),
  scopeSelector: labelSelectorSchema.optional(),
  summary: summarySchema.optional(),
};

export const configurationSchema = z.strictObject({
  limits: z.strictObject({
    maxResults: z.int().min(0).optional(),
    statusFilter: z.array(resultStatusSchema).optional(),
  }),
});

export const reportV1alpha1Schema = z.strictObject({ ...envelope, results: z.array(resultV1alpha1Schema).optional() });
export const reportV1alpha2Schema = z.strictObject({ ...envelope, results: z.array(resultSchema).optional() });
export const reportHubSchema = z.strictObject({
  ...envelope,
  source: z.string().optional(),
  configuration: configurationSchema.optional(),
  results: z.array(resultSchema).optional(),
});

export const REPORT_SCHEMAS = {
  v1alpha1: reportV1alpha1Schema,
  v1alpha2: reportV1alpha2Schema,
  hub: reportHubSchema,
} as const;

/** The wire shape served for a group and version (e.g. `openreports.io` v1alpha1 is the hub shape). */
export function wireShapeOf(group: string, version: string): WireShape {
  if (group === 'wgpolicyk8s.io' && version === 'v1alpha1') return 'v1alpha1';
  if (group === 'wgpolicyk8s.io' && version === 'v1alpha2') return 'v1alpha2';
  return 'hub';
}

export type ReportV1alpha1 = z.infer<typeof reportV1alpha1Schema>;
