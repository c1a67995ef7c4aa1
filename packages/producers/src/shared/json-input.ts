import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Timestamp } from '@docket/model';
import type { MapOutcome, ProducerDeps, SourceHooks } from '../types.ts';
import { isSkip } from '../types.ts';
import { timestampFromMillis } from './time.ts';

/** Input files of a scan producer; `-` reads standard input. */
export const scanInputFields = {
  files: z.array(z.string().min(1)).min(1).default(['-']),
};

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one input (`-` = deps.stdin) as text. */
export async function readInput(path: string, deps: Pick<ProducerDeps, 'stdin'>): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  if (!deps.stdin) throw new Error('no standard input available for "-"');
  return readStream(deps.stdin);
}

/**
 * Parses scanner output: one JSON document, or JSON lines (older kube-bench versions printed one
 * object per target). Returns the documents, or an error message when neither parses.
 */
export function parseJsonDocuments(text: string): unknown[] | string {
  try {
    return [JSON.parse(text)];
  } catch (whole) {
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length < 2) return `not JSON: ${(whole as Error).message}`;
    try {
      return lines.map((l) => JSON.parse(l) as unknown);
    } catch (err) {
      return `not JSON: ${(err as Error).message}`;
    }
  }
}

/**
 * The whole run of a file-based producer: read each input, parse, map with the scan time, and
 * deliver. An unreadable or unparsable input is reported as a malformed skip, not thrown, so one
 * bad file does not hide the others.
 */
export async function runScanInputs(
  files: readonly string[],
  map: (doc: unknown, scanTime: Timestamp) => MapOutcome[],
  hooks: SourceHooks,
  deps: ProducerDeps,
): Promise<void> {
  for (const file of files) {
    let text: string;
    try {
      text = await readInput(file, deps);
    } catch (err) {
      deps.logger.error({ file, err }, 'cannot read scan input');
      hooks.onSkip?.({ skip: 'malformed: input not readable', malformed: true });
      continue;
    }
    const docs = parseJsonDocuments(text);
    if (typeof docs === 'string') {
      deps.logger.error({ file, reason: docs }, 'cannot parse scan input');
      hooks.onSkip?.({ skip: 'malformed: input is not JSON', malformed: true });
      continue;
    }
    const scanTime = timestampFromMillis(deps.now());
    for (const doc of docs) {
      for (const o of map(doc, scanTime)) {
        if (isSkip(o)) hooks.onSkip?.(o);
        else hooks.onResult(o);
      }
    }
  }
}
