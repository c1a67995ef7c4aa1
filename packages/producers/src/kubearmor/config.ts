import { z } from 'zod';
import { SEVERITIES, type Severity } from '@docket/model';
import { checkConnection, grpcConnectionFields } from '../shared/grpc.ts';

const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** KubeArmor policy severity 1..10 → report severity, index 0 = "1". Monotonic by default and by rule. */
export const DEFAULT_KUBEARMOR_SEVERITIES: readonly Severity[] = Object.freeze([
  'info', 'info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical',
]);

export const kubearmorMapFields = {
  /** Ten severities for KubeArmor severities 1..10; must never decrease (the publisher's 5-6 → low was a bug). */
  severities: z.array(severitySchema).length(10).default([...DEFAULT_KUBEARMOR_SEVERITIES])
    .refine((s) => s.every((v, i) => i === 0 || RANK[v] >= RANK[s[i - 1]!]), { message: 'severities must not decrease from 1 to 10' }),
  /** Severity of alerts whose policy sets none. */
  defaultSeverity: severitySchema.default('medium'),
  source: z.string().min(1).default('KubeArmor'),
};

/** KubeArmor producer config: feeder.LogService/WatchAlerts on KubeArmor or kubearmor-relay. */
export const kubearmorConfigSchema = z.strictObject({
  ...grpcConnectionFields,
  ...kubearmorMapFields,
  /** `policy` = policy matches only; `all` adds default-posture and system alerts. The server streams nothing for other values. */
  filter: z.enum(['policy', 'all']).default('policy'),
}).superRefine(checkConnection);

export type KubearmorConfig = z.infer<typeof kubearmorConfigSchema>;
export type KubearmorMapConfig = Pick<KubearmorConfig, 'severities' | 'defaultSeverity' | 'source'>;
