/**
 * `docket import FILE|DIR|- ...`: create or update every report found in the inputs, with bounded
 * concurrency, printing one line per object in input order and a summary. A failing document is
 * reported with its file and document number; the others are still tried, and the command fails
 * at the end.
 */
import { Command } from 'commander';
import { createApiClient, UnreachableError } from '../api-client.ts';
import { collectFiles, parseDocuments, readDocuments, type SourceDocument } from '../documents.ts';
import { CliError } from '../errors.ts';
import { serverOption } from './options.ts';
import { toTarget, upsertObject, type UpsertOutcome } from '../upsert.ts';
import type { CliDeps } from '../program.ts';

export interface ImportOptions {
  server: string;
  namespace?: string;
  concurrency: number;
}

interface Line {
  text: string;
  error: boolean;
}

/** Summary counts of one import run. */
export type ImportCounts = Record<UpsertOutcome | 'failed', number>;

export function importCommand(deps: CliDeps): Command {
  return new Command('import')
    .description('create or update reports from YAML/JSON files, directories or stdin (-)')
    .argument('<paths...>', 'files, directories (*.yaml, *.yml, *.json recursively) or - for stdin')
    .option('-s, --server <url>', 'Docket API server', serverOption, deps.defaultServer)
    .option('-n, --namespace <ns>', 'namespace for namespaced reports that name none')
    .action(async (paths: string[], opts: { server: string; namespace?: string }) => {
      const counts = await runImport(paths, { server: opts.server, namespace: opts.namespace, concurrency: 8 }, deps);
      if (counts.failed > 0) throw new CliError(`${counts.failed} of ${total(counts)} objects failed`, 1);
    });
}

function total(c: ImportCounts): number {
  return c.created + c.configured + c.unchanged + c.failed;
}

/** Reads every input, then upserts every object; returns the counts (also printed). */
export async function runImport(paths: string[], opts: ImportOptions, deps: CliDeps): Promise<ImportCounts> {
  const docs = await loadInputs(paths, deps);
  const client = createApiClient({ server: opts.server, fetch: deps.fetch });
  const counts: ImportCounts = { created: 0, configured: 0, unchanged: 0, failed: 0 };
  // Lines are printed in input order (errors to stderr) even though documents finish out of order.
  const lines: (Line | undefined)[] = new Array(docs.length);
  let printed = 0;
  const flush = (): void => {
    for (let l = lines[printed]; printed < docs.length && l !== undefined; l = lines[++printed]) (l.error ? deps.err : deps.out)(l.text);
  };
  const fail = (text: string): Line => {
    counts.failed++;
    return { text: `error: ${text}`, error: true };
  };

  const one = async (doc: SourceDocument): Promise<Line> => {
    if (doc.error || !doc.object) return fail(`${doc.origin}: ${doc.error ?? 'empty document'}`);
    let target;
    try {
      target = toTarget(doc.object, opts.namespace);
    } catch (e) {
      return fail(`${doc.origin}: ${(e as Error).message}`);
    }
    try {
      const outcome = await upsertObject(client, target, doc.object);
      counts[outcome]++;
      return { text: `${target.display} ${outcome}`, error: false };
    } catch (e) {
      if (e instanceof UnreachableError) throw new CliError(e.message, 1);
      return fail(`${doc.origin} (${target.display}): ${(e as Error).message}`);
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < docs.length) {
      const i = next++;
      lines[i] = await one(docs[i]!);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, docs.length) }, worker));
  deps.out(`${total(counts)} objects: ${counts.created} created, ${counts.configured} configured, ${counts.unchanged} unchanged, ${counts.failed} failed`);
  return counts;
}

async function loadInputs(paths: string[], deps: CliDeps): Promise<SourceDocument[]> {
  const docs: SourceDocument[] = [];
  for (const p of paths) {
    if (p === '-') {
      docs.push(...parseDocuments(await deps.readStdin(), '<stdin>'));
      continue;
    }
    let files: string[];
    try {
      files = await collectFiles(p);
    } catch (e) {
      throw new CliError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, 1);
    }
    for (const f of files) docs.push(...(await readDocuments(f)));
  }
  if (docs.length === 0) throw new CliError(`no documents found in ${paths.join(', ')}`, 1);
  return docs;
}
