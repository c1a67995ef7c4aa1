import { defineProducer } from '../types.ts';
import { kubearmorConfigSchema, type KubearmorConfig } from './config.ts';
import { createKubearmorSource } from './source.ts';

export { kubearmorConfigSchema, DEFAULT_KUBEARMOR_SEVERITIES, type KubearmorConfig, type KubearmorMapConfig } from './config.ts';
export { toKubearmorResult, kubearmorSeverity, kubearmorResult } from './map.ts';
export { createKubearmorSource } from './source.ts';

/** KubeArmor: policy alerts from feeder.LogService/WatchAlerts → per-pod reports, host alerts → per-node cluster reports. */
export const kubearmorProducer = defineProducer<KubearmorConfig>({
  type: 'kubearmor',
  configSchema: kubearmorConfigSchema,
  create: (config, deps) => createKubearmorSource(config, deps),
});
