/**
 * `metadata` as the apiserver validates it for any object: name and namespace syntax, label and
 * annotation rules, owner references and finalizers. Server-managed fields (uid,
 * resourceVersion, timestamps, managedFields) are accepted with their types checked; the API
 * server decides what to keep from them.
 */
import { z } from 'zod';
import {
  ANNOTATIONS_SIZE_LIMIT, annotationsSize, checkDnsLabel, checkDnsSubdomain, checkGenerateName,
  checkQualifiedName, checkTimestamp,
} from './kube-syntax.ts';
import { labelMapSchema, stringMapSchema } from './common.ts';
import { kubeRule, type Problem } from './rules.ts';
import { CONVERSION_ANNOTATION } from '../conversion-annotation.ts';

function syntax(check: (v: string) => string | undefined) {
  return z.string().superRefine(kubeRule((v: string): Problem | undefined => {
    const bad = check(v);
    return bad ? { reason: 'FieldValueInvalid', detail: bad, value: v } : undefined;
  }));
}

function nonEmpty(what: string) {
  return z.string().superRefine(kubeRule((v: string): Problem | undefined =>
    v === '' ? { reason: 'FieldValueInvalid', detail: `${what} must not be empty`, value: v } : undefined));
}

export const ownerReferenceSchema = z.strictObject({
  apiVersion: nonEmpty('version'),
  kind: nonEmpty('kind'),
  name: nonEmpty('name'),
  uid: nonEmpty('uid'),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

export const managedFieldsEntrySchema = z.strictObject({
  manager: z.string().optional(),
  operation: z.enum(['Apply', 'Update']).optional(),
  apiVersion: z.string().optional(),
  time: syntax(checkTimestamp).optional(),
  fieldsType: z.enum(['FieldsV1']).optional(),
  fieldsV1: z.record(z.string(), z.unknown()).optional(),
  subresource: z.string().optional(),
});

const annotationsSchema = stringMapSchema.superRefine(kubeRule((annotations: Record<string, string>) => {
  let out: Problem[] | undefined;
  for (const key in annotations) {
    // The apiserver checks annotation keys case-insensitively.
    const bad = checkQualifiedName(key.toLowerCase());
    if (bad) (out ??= []).push({ reason: 'FieldValueInvalid', detail: bad, value: key });
  }
  // The conversion annotation is consumed by decode and never stored, so it does not count.
  const size = annotationsSize(annotations) - (CONVERSION_ANNOTATION in annotations
    ? annotationsSize({ [CONVERSION_ANNOTATION]: annotations[CONVERSION_ANNOTATION] ?? '' }) : 0);
  if (size > ANNOTATIONS_SIZE_LIMIT) {
    (out ??= []).push({ reason: 'FieldValueTooLong', detail: `may not be more than ${ANNOTATIONS_SIZE_LIMIT} bytes` });
  }
  return out;
}));

const ownerReferencesSchema = z.array(ownerReferenceSchema).superRefine(kubeRule((refs: { controller?: boolean | undefined }[]) => {
  const controllers = refs.filter((r) => r.controller === true).length;
  return controllers > 1
    ? { reason: 'FieldValueInvalid', detail: 'only one reference can have controller set to true', value: `${controllers} controllers` }
    : undefined;
}));

export const objectMetaSchema = z.strictObject({
  // An empty name is reported once, as "name or generateName is required" (decode/cross-field.ts).
  name: syntax((v) => (v === '' ? undefined : checkDnsSubdomain(v))).optional(),
  generateName: syntax((v) => (v === '' ? undefined : checkGenerateName(v))).optional(),
  namespace: syntax(checkDnsLabel).optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().min(0).optional(),
  creationTimestamp: syntax(checkTimestamp).optional(),
  deletionTimestamp: syntax(checkTimestamp).optional(),
  deletionGracePeriodSeconds: z.int().min(0).optional(),
  labels: labelMapSchema.optional(),
  annotations: annotationsSchema.optional(),
  ownerReferences: ownerReferencesSchema.optional(),
  finalizers: z.array(syntax(checkQualifiedName)).optional(),
  managedFields: z.array(managedFieldsEntrySchema).optional(),
});
