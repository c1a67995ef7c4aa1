import { z } from 'zod';

/** trivy-operator report kinds this producer reads (aquasecurity.github.io/v1alpha1), and their collections. */
export const TRIVY_OPERATOR_KINDS = {
  VulnerabilityReport: 'vulnerabilityreports',
  ConfigAuditReport: 'configauditreports',
  ClusterVulnerabilityReport: 'clustervulnerabilityreports',
  ClusterConfigAuditReport: 'clusterconfigauditreports',
} as const;

/**
 * trivy-operator producer config: VulnerabilityReport and ConfigAuditReport objects listed and
 * watched in the cluster the publisher reads from, each mapped to results about the workload it scanned.
 */
export const trivyOperatorConfigSchema = z.strictObject({
  kinds: z.array(z.enum(Object.keys(TRIVY_OPERATOR_KINDS) as [keyof typeof TRIVY_OPERATOR_KINDS, ...(keyof typeof TRIVY_OPERATOR_KINDS)[]]))
    .min(1).default(['VulnerabilityReport', 'ConfigAuditReport']),
  /** Watch one namespace only; all when absent (ignored for the cluster-scoped kinds). */
  namespace: z.string().min(1).optional(),
  labelSelector: z.string().min(1).optional(),
});

export type TrivyOperatorConfig = z.infer<typeof trivyOperatorConfigSchema>;
