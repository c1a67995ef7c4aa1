import { z } from 'zod';
import { scanInputFields } from '../shared/json-input.ts';

export const trivyMapFields = {
  /** Namespace for image-scan reports; without it they are cluster-scoped. k8s scans use each resource's namespace. */
  namespace: z.string().min(1).optional(),
};

/** Trivy producer config: `trivy image --format json` / `trivy k8s --format json` output from files or stdin. */
export const trivyConfigSchema = z.strictObject({ ...scanInputFields, ...trivyMapFields });

export type TrivyConfig = z.infer<typeof trivyConfigSchema>;
export type TrivyMapConfig = Pick<TrivyConfig, 'namespace'>;
