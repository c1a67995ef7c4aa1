/**
 * Building blocks shared by every report version: enums, timestamps, object references,
 * label selectors and string maps. Objects are strict so unknown fields surface as issues
 * (decode prunes or rejects them according to `fieldValidation`).
 */
import { z } from 'zod';
import { RESULT_STATUSES, SEVERITIES } from '../types.ts';
import { checkLabelValue, checkQualifiedName } from './kube-syntax.ts';
import { kubeRule, type Problem } from './rules.ts';

export const resultStatusSchema = z.enum(RESULT_STATUSES as [string, ...string[]]);
export const severitySchema = z.enum(SEVERITIES as [string, ...string[]]);
/** v1alpha1 knew only three severities. */
export const severityV1alpha1Schema = z.enum(['high', 'low', 'medium']);

/** Non-negative int32 nanoseconds, as the protobuf Timestamp documents (but the CRD never enforced). */
export const timestampSchema = z.strictObject({
  seconds: z.int(),
  nanos: z.int().min(0).max(999_999_999),
});

/** A string→string map (results' `properties`/`data`); values must be strings. */
export const stringMapSchema = z.record(z.string(), z.string());

export const objectReferenceSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});

/** Checks label keys and values as the apiserver does for `metadata.labels` and selectors. */
export function labelMapProblems(labels: Record<string, string>): Problem[] | undefined {
  let out: Problem[] | undefined;
  for (const key in labels) {
    const value = labels[key] ?? '';
    const badKey = checkQualifiedName(key);
    if (badKey) (out ??= []).push({ reason: 'FieldValueInvalid', detail: badKey, value: key });
    const badValue = checkLabelValue(value);
    if (badValue) (out ??= []).push({ reason: 'FieldValueInvalid', detail: badValue, value });
  }
  return out;
}

export const labelMapSchema = stringMapSchema.superRefine(kubeRule(labelMapProblems));

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const labelSelectorRequirementSchema = z
  .strictObject({
    key: z.string().superRefine(kubeRule((key: string) => {
      const bad = checkQualifiedName(key);
      return bad ? { reason: 'FieldValueInvalid', detail: bad, value: key } : undefined;
    })),
    operator: z.enum(OPERATORS),
    values: z.array(z.string()).optional(),
  })
  .superRefine(kubeRule((req: { operator: string; values?: string[] | undefined }): Problem | undefined => {
    const n = req.values?.length ?? 0;
    if ((req.operator === 'In' || req.operator === 'NotIn') && n === 0) {
      return { reason: 'FieldValueRequired', detail: "must be specified when `operator` is 'In' or 'NotIn'", path: ['values'] };
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && n > 0) {
      return { reason: 'FieldValueForbidden', detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", path: ['values'] };
    }
    return undefined;
  }));

export const labelSelectorSchema = z.strictObject({
  matchLabels: labelMapSchema.optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});

export const summarySchema = z.strictObject({
  pass: z.int().optional(),
  fail: z.int().optional(),
  warn: z.int().optional(),
  error: z.int().optional(),
  skip: z.int().optional(),
});
