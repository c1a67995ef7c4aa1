import { defineProducer } from '../types.ts';
import { runScanInputs } from '../shared/json-input.ts';
import { kubeBenchConfigSchema, type KubeBenchConfig } from './config.ts';
import { toKubeBenchResults } from './map.ts';

export { kubeBenchConfigSchema, type KubeBenchConfig, type KubeBenchMapConfig } from './config.ts';
export { toKubeBenchResults, kubeBenchStatus } from './map.ts';

/** kube-bench: `kube-bench --json` from files or stdin → cluster-scoped reports per target (and node). */
export const kubeBenchProducer = defineProducer<KubeBenchConfig>({
  type: 'kube-bench',
  configSchema: kubeBenchConfigSchema,
  create: (config, deps) => ({
    type: 'kube-bench',
    run: (hooks) => runScanInputs(config.files, (doc, t) => toKubeBenchResults(doc, config, t), hooks, deps),
  }),
});
