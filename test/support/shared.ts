import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/test/support). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared folder that sits beside the repository (CI clones main with `shared/` next to it);
 * `DOCKET_SHARED_DIR` overrides it.
 */
export const SHARED_DIR = process.env.DOCKET_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');

/** Path of the deterministic report generator, failing loudly when the shared folder is missing. */
export function genReportsPath(): string {
  const p = resolve(SHARED_DIR, 'tools', 'gen-reports.mjs');
  if (!existsSync(p)) throw new Error(`report generator not found at ${p}: clone the repository with shared/ beside it or set DOCKET_SHARED_DIR`);
  return p;
}
