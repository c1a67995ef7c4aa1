/**
 * One entry of `results[]`. v1alpha1 called the outcome `status` and the string map `data`,
 * knew only high/low/medium severities and had no per-result `source` or `timestamp`; every
 * later version (v1alpha2, v1beta1, reports.x-k8s.io v1beta2, openreports.io v1alpha1) shares
 * one result shape.
 */
import { z } from 'zod';
import {
  labelSelectorSchema, objectReferenceSchema, resultStatusSchema, severitySchema, severityV1alpha1Schema,
  stringMapSchema, timestampSchema,
} from './common.ts';

const sharedResultFields = {
  /** Required, but may be empty (the Trivy sample has `policy: ""`). */
  policy: z.string(),
  rule: z.string().optional(),
  category: z.string().optional(),
  scored: z.boolean().optional(),
  message: z.string().optional(),
  resources: z.array(objectReferenceSchema).optional(),
  resourceSelector: labelSelectorSchema.optional(),
};

export const resultV1alpha1Schema = z.strictObject({
  ...sharedResultFields,
  severity: severityV1alpha1Schema.optional(),
  status: resultStatusSchema.optional(),
  data: stringMapSchema.optional(),
});

export const resultSchema = z.strictObject({
  ...sharedResultFields,
  severity: severitySchema.optional(),
  result: resultStatusSchema.optional(),
  properties: stringMapSchema.optional(),
  source: z.string().optional(),
  timestamp: timestampSchema.optional(),
});

export type ResultV1alpha1 = z.infer<typeof resultV1alpha1Schema>;
