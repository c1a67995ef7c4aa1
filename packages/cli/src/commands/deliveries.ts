/**
 * `docket deliveries list|summary`: the reporter's outbox as a running server shows it
 * (GET /docket/v1/deliveries, /docket/v1/deliveries/summary): what is waiting, sent, and
 * dead-lettered with its last error.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DELIVERY_STATES } from '@docket/store';
import { ApiError, createApiClient, UnreachableError, type ApiClient } from '../api-client.ts';
import { CliError } from '../errors.ts';
import { serverOption } from './options.ts';
import type { CliDeps } from '../program.ts';

/** The fields of a listed delivery the CLI prints (the server sends more). */
export interface ListedDelivery {
  id: string;
  target: string;
  key: string;
  state: string;
  attempts: number;
  lastError?: string;
  createdAt: string;
  nextAttemptAt: string;
  doneAt?: string;
}

interface ListPage {
  metadata?: { continue?: string };
  items: ListedDelivery[];
}

const MAX_PAGE = 500;

function positiveInt(value: string): number {
  if (!/^[1-9]\d{0,6}$/.test(value)) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

async function call<T>(client: ApiClient, path: string): Promise<T> {
  try {
    return (await client.request('GET', path)).body as T;
  } catch (e) {
    if (e instanceof UnreachableError) throw new CliError(e.message, 1);
    if (e instanceof ApiError && e.status === 404) throw new CliError(`${client.server} does not serve deliveries (is the reporter's outbox wired into this server?)`, 1);
    if (e instanceof ApiError) throw new CliError(e.message, 1);
    throw e;
  }
}

/** Single line, at most `max` characters, for table cells. */
function cell(text: string | undefined, max: number): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || '-';
}

/** Aligned columns, as kubectl prints them. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export interface DeliveriesListOptions {
  server: string;
  target?: string;
  state?: string;
  limit: number;
  output: 'table' | 'json';
}

/** Fetches up to `limit` deliveries (page by page) and prints them. */
export async function runDeliveriesList(opts: DeliveriesListOptions, deps: CliDeps): Promise<void> {
  const client = createApiClient({ server: opts.server, fetch: deps.fetch });
  const items: ListedDelivery[] = [];
  let cont: string | undefined;
  do {
    const q = new URLSearchParams();
    if (opts.target) q.set('target', opts.target);
    if (opts.state) q.set('state', opts.state);
    q.set('limit', String(Math.min(MAX_PAGE, opts.limit - items.length)));
    if (cont) q.set('continue', cont);
    const page = await call<ListPage>(client, `/docket/v1/deliveries?${q}`);
    items.push(...page.items);
    cont = page.metadata?.continue;
  } while (cont && items.length < opts.limit);
  if (opts.output === 'json') {
    deps.out(JSON.stringify({ kind: 'DeliveryList', apiVersion: 'docket/v1', metadata: cont ? { continue: cont } : {}, items }, null, 2));
    return;
  }
  if (!items.length) {
    deps.out('No deliveries found.');
    return;
  }
  const rows = items.map((d) => [d.id, d.target, d.state, String(d.attempts), cell(d.key, 40), cell(d.lastError, 80)]);
  for (const l of formatTable(['ID', 'TARGET', 'STATE', 'ATTEMPTS', 'KEY', 'LAST ERROR'], rows)) deps.out(l);
  if (cont) deps.err(`(more deliveries follow; raise --limit to see them)`);
}

export function deliveriesCommand(deps: CliDeps): Command {
  const cmd = new Command('deliveries').description("the reporter's notification outbox: pending, sent and dead-lettered deliveries");
  cmd.command('list')
    .description('list deliveries, oldest first')
    .option('-s, --server <url>', 'Docket API server', serverOption, deps.defaultServer)
    .option('--target <name>', 'only this target (or channel)')
    .addOption(new Option('--state <state>', 'only this state').choices([...DELIVERY_STATES]))
    .option('--limit <n>', 'show at most this many', positiveInt, 100)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { server: string; target?: string; state?: string; limit: number; output: 'table' | 'json' }) => {
      await runDeliveriesList({ server: o.server, limit: o.limit, output: o.output, ...(o.target ? { target: o.target } : {}), ...(o.state ? { state: o.state } : {}) }, deps);
    });
  cmd.command('summary')
    .description('deliveries per target and state')
    .option('-s, --server <url>', 'Docket API server', serverOption, deps.defaultServer)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { server: string; output: 'table' | 'json' }) => {
      const client = createApiClient({ server: o.server, fetch: deps.fetch });
      const doc = await call<{ targets: Array<Record<string, number | string>> }>(client, '/docket/v1/deliveries/summary');
      if (o.output === 'json') { deps.out(JSON.stringify(doc, null, 2)); return; }
      const cols = ['pending', 'inflight', 'sent', 'dead'];
      const rows = doc.targets.map((t) => [String(t['target']), ...cols.map((c) => String(t[c] ?? 0))]);
      for (const l of formatTable(['TARGET', ...cols.map((c) => c.toUpperCase())], rows)) deps.out(l);
    });
  // Subcommands copy their parent's settings when created, before program.ts sets them on the
  // parent: set them here too, so a bad flag is a usage error and never exits the process.
  for (const sub of cmd.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => deps.out(s.replace(/\n$/, '')), writeErr: (s) => deps.err(s.replace(/\n$/, '')) });
  }
  return cmd;
}
