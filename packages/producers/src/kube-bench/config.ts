import { z } from 'zod';
import { scanInputFields } from '../shared/json-input.ts';

export const kubeBenchMapFields = {
  /** The node kube-bench ran on: reports are then per node (scope Node) instead of per target only. */
  nodeName: z.string().min(1).optional(),
  source: z.string().min(1).default('Kube Bench'),
};

/** kube-bench producer config: `kube-bench --json` output from files or stdin. */
export const kubeBenchConfigSchema = z.strictObject({ ...scanInputFields, ...kubeBenchMapFields });

export type KubeBenchConfig = z.infer<typeof kubeBenchConfigSchema>;
export type KubeBenchMapConfig = Pick<KubeBenchConfig, 'nodeName' | 'source'>;
