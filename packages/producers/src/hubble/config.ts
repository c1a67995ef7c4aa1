import { z } from 'zod';
import { SEVERITIES, type Severity } from '@docket/model';
import { checkConnection, grpcConnectionFields } from '../shared/grpc.ts';

const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

/** Mapping settings: everything the pure mapper needs. */
export const hubbleMapFields = {
  /** Which drops to report. EGRESS (the pod's own connections) by default; INGRESS opt-in. */
  directions: z.array(z.enum(['EGRESS', 'INGRESS'])).min(1).default(['EGRESS']),
  /** DROPPED → result fail; AUDIT (policy audit mode, would have been dropped) → warn. */
  verdicts: z.array(z.enum(['DROPPED', 'AUDIT'])).min(1).default(['DROPPED']),
  /** Pod label keys copied from the subject pod into properties (no built-in list). */
  labels: z.array(z.string().min(1)).default([]),
  severity: severitySchema.default('high'),
  /** The result `source`. */
  source: z.string().min(1).default('Cilium Hubble'),
};

/**
 * Hubble producer config. The stream is filtered server-side (verdicts × directions, optional
 * drop reasons) and projected with a field mask, so only the flows the mapper reports travel.
 */
export const hubbleConfigSchema = z.strictObject({
  ...grpcConnectionFields,
  ...hubbleMapFields,
  /** Server-side drop reason filter, e.g. [POLICY_DENIED, POLICY_DENY, AUTH_REQUIRED]; empty = every reason. */
  dropReasons: z.array(z.string().regex(/^[A-Z0-9_]+$/)).default([]),
  /** Ask the server to send only the fields the mapper reads (older relays ignore it). */
  fieldMask: z.boolean().default(true),
  /** On reconnect, also ask for flows this much older than the last one seen (duplicates are dropped by uuid). */
  resumeOverlapMs: z.number().int().min(0).default(1000),
}).superRefine(checkConnection);

export type HubbleConfig = z.infer<typeof hubbleConfigSchema>;
export type HubbleMapConfig = Pick<HubbleConfig, 'directions' | 'verdicts' | 'labels' | 'severity' | 'source'>;
