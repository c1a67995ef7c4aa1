import { defineProducer } from '../types.ts';
import { trivyOperatorConfigSchema, type TrivyOperatorConfig } from './config.ts';
import { createTrivyOperatorSource } from './source.ts';

export { trivyOperatorConfigSchema, TRIVY_OPERATOR_KINDS, type TrivyOperatorConfig } from './config.ts';
export { createTrivyOperatorSource } from './source.ts';

/** trivy-operator: VulnerabilityReport/ConfigAuditReport objects watched in the cluster → reports about the scanned workloads. */
export const trivyOperatorProducer = defineProducer<TrivyOperatorConfig>({
  type: 'trivy-operator',
  configSchema: trivyOperatorConfigSchema,
  create: (config, deps) => createTrivyOperatorSource(config, deps),
});
