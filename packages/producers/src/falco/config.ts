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
  /** Listen address; loopback by default. Beyond loopback TLS and authentication are required (DESIGN decision 10). */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(2801),
  path: z.string().startsWith('/').default('/'),
  /** Largest accepted request body. */
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  /** HTTPS: the server certificate; with `clientCaFile` clients must present a certificate it signed (mTLS). */
  tls: z.strictObject({
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    clientCaFile: z.string().min(1).optional(),
  }).optional(),
  /**
   * File holding a bearer token every POST must carry (`Authorization: Bearer <token>`), e.g. set
   * with falcosidekick's `webhook.customheaders`. Read once at start; never logged.
   */
  tokenFile: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  if (isLoopback(c.host)) return;
  if (!c.tls) ctx.addIssue({ code: 'custom', path: ['tls'], message: `listening on ${c.host} (beyond loopback) needs tls` });
  if (!c.tokenFile && !c.tls?.clientCaFile) {
    ctx.addIssue({ code: 'custom', path: ['tokenFile'], message: `listening on ${c.host} (beyond loopback) needs authentication: tokenFile or tls.clientCaFile` });
  }
});

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export type FalcoConfig = z.infer<typeof falcoConfigSchema>;
export type FalcoMapConfig = Pick<FalcoConfig, 'minimumPriority' | 'source'>;
