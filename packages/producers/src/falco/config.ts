import { z } from 'zod';

/** Falco priorities, lowest first (falcosidekick's order; `informational` also arrives as `info`). */
export const FALCO_PRIORITIES = ['debug', 'informational', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type FalcoPriority = (typeof FALCO_PRIORITIES)[number];

export const falcoMapFields = {
  /** Events below this priority are skipped (falcosidekick's `minimumpriority`). */
  minimumPriority: z.enum(FALCO_PRIORITIES).default('debug'),
  source: z.string().min(1).default('Falco'),
};

/**
 * Falco producer config: an HTTP endpoint for Falco's `http_output` (with `json_output: true`)
 * and falcosidekick's `webhook` output.
 */
export const falcoConfigSchema = z.strictObject({
  ...falcoMapFields,
  /** Listen address; loopback by default (DESIGN decision 10: beyond loopback needs TLS/auth in front). */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(2801),
  path: z.string().startsWith('/').default('/'),
  /** Largest accepted request body. */
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
});

export type FalcoConfig = z.infer<typeof falcoConfigSchema>;
export type FalcoMapConfig = Pick<FalcoConfig, 'minimumPriority' | 'source'>;
