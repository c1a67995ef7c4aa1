import { z } from 'zod';
import { SEVERITIES, type Severity } from '@docket/model';
import { backoffSchema } from '../shared/backoff.ts';

const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

export const kyvernoMapFields = {
  /** The result `source` (Policy Reporter's kyverno plugin calls it `Kyverno Event`). */
  source: z.string().min(1).default('Kyverno Event'),
  category: z.string().min(1).default('Admission'),
  /** Severity of a blocked request; unset leaves results without one (the policy's annotation is not read). */
  severity: severitySchema.optional(),
  /** Only blocked admission requests (`(blocked)` / action `Resource Blocked`); false also keeps audit-mode violations. */
  onlyBlocked: z.boolean().default(true),
  /** Event reporting components accepted; empty = any. */
  components: z.array(z.string().min(1)).default(['kyverno-admission']),
};

/**
 * Kyverno block reports: PolicyViolation Events that Kyverno's admission controller emits when it
 * blocks a request, turned into one report per namespace (`kyverno-blocked`) and one cluster
 * report for cluster-scoped resources. Reads the cluster the publisher's sink points at.
 */
export const kyvernoConfigSchema = z.strictObject({
  ...kyvernoMapFields,
  /** Which Events API to watch: core `v1` (Kyverno's own) or `events.k8s.io/v1` (the same objects, newer shape). */
  api: z.enum(['v1', 'events.k8s.io/v1']).default('v1'),
  /** Watch Events of one namespace only (Kyverno writes ClusterPolicy events to `default`); all when absent. */
  eventNamespace: z.string().min(1).optional(),
  /** Also report events last seen before the publisher started (a restart then counts them again). */
  includeExisting: z.boolean().default(false),
  backoff: backoffSchema.default(backoffSchema.parse({})),
});

export type KyvernoConfig = z.infer<typeof kyvernoConfigSchema>;
export type KyvernoMapConfig = Pick<KyvernoConfig, 'source' | 'category' | 'severity' | 'onlyBlocked' | 'components'>;
