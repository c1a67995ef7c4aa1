import { defineProducer } from '../types.ts';
import { runScanInputs } from '../shared/json-input.ts';
import { trivyConfigSchema, type TrivyConfig } from './config.ts';
import { toTrivyResults } from './map.ts';

export { trivyConfigSchema, type TrivyConfig, type TrivyMapConfig } from './config.ts';
export { toTrivyResults, imageReportName } from './map.ts';
export { trivySeverity } from './severity.ts';
export { toTrivyOperatorResults } from './operator.ts';

/** Trivy: image and k8s scan JSON from files or stdin → one report per image or scanned resource. */
export const trivyProducer = defineProducer<TrivyConfig>({
  type: 'trivy',
  configSchema: trivyConfigSchema,
  create: (config, deps) => ({
    type: 'trivy',
    run: (hooks) => runScanInputs(config.files, (doc, t) => toTrivyResults(doc, config, t), hooks, deps),
  }),
});
