import { existsSync, statSync } from 'node:fs';

/** Size of a file in bytes (apparent size), 0 when it does not exist. */
export function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Bytes actually allocated on disk (st_blocks × 512), 0 when it does not exist; sparse files differ from `fileBytes`. */
export function allocatedBytes(path: string): number {
  return existsSync(path) ? statSync(path).blocks * 512 : 0;
}
