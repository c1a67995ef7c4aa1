import { defineProducer } from '../types.ts';
import { hubbleConfigSchema, type HubbleConfig } from './config.ts';
import { createHubbleSource } from './source.ts';

export { hubbleConfigSchema, type HubbleConfig, type HubbleMapConfig } from './config.ts';
export { toHubbleResult, toL4 } from './map.ts';
export { createHubbleSource, hubbleRequest, HUBBLE_FIELD_MASK } from './source.ts';

/** Cilium Hubble: dropped (and audit-mode) flows from observer.Observer/GetFlows → per-pod reports. */
export const hubbleProducer = defineProducer<HubbleConfig>({
  type: 'hubble',
  configSchema: hubbleConfigSchema,
  create: (config, deps) => createHubbleSource(config, deps),
});
