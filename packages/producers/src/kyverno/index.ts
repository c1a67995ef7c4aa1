import { defineProducer } from '../types.ts';
import { kyvernoConfigSchema, type KyvernoConfig } from './config.ts';
import { createKyvernoSource } from './source.ts';

export { kyvernoConfigSchema, type KyvernoConfig, type KyvernoMapConfig } from './config.ts';
export { toKyvernoResult, toEventView, parseViolationMessage, KYVERNO_REPORT_NAME, type EventView } from './map.ts';
export { createKyvernoSource, eventsPath } from './source.ts';

/** Kyverno block reports: PolicyViolation Events of blocked admission requests → per-namespace `kyverno-blocked` reports. */
export const kyvernoProducer = defineProducer<KyvernoConfig>({
  type: 'kyverno',
  configSchema: kyvernoConfigSchema,
  create: (config, deps) => createKyvernoSource(config, deps),
});
