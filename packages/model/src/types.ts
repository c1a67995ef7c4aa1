/**
 * Plain TypeScript types for report objects in their *hub* (storage) shape: the superset of all
 * versions' fields (v1beta1 / reports.x-k8s.io v1beta2 / openreports.io v1alpha1 are identical).
 * Version-specific wire shapes are described by the zod schemas in `schemas/`.
 */

export type ResultStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const RESULT_STATUSES: readonly ResultStatus[] = ['pass', 'fail', 'warn', 'error', 'skip'];
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface ReportResult {
  policy: string;
  rule?: string;
  category?: string;
  severity?: Severity;
  result?: ResultStatus;
  scored?: boolean;
  message?: string;
  properties?: Record<string, string>;
  resources?: ObjectReference[];
  resourceSelector?: LabelSelector;
  source?: string;
  timestamp?: Timestamp;
}

export interface ReportSummary {
  pass?: number;
  fail?: number;
  warn?: number;
  error?: number;
  skip?: number;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** A report object as stored: hub shape, `apiVersion` = the group's storage version. */
export interface ReportObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  scope?: ObjectReference;
  scopeSelector?: LabelSelector;
  source?: string;
  configuration?: { limits: { maxResults?: number; statusFilter?: ResultStatus[] } };
  summary?: ReportSummary;
  results?: ReportResult[];
}
