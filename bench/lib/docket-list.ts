/**
 * Reading back through Docket's list API: every object with `limit`/`continue` pages, and the
 * latency of the first page (what `kubectl get polr -A` waits for before it prints).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expectOk, type HttpClient } from './http-client.ts';
import { runConcurrent } from './load.ts';
import { toPhaseFigures, type PhaseFigures } from './stats.ts';

export interface ListFigures {
  /** Wall time from the first request to the last page parsed. */
  ms: number;
  /** Sum of the page requests alone (server + transfer), without the client's JSON parsing. */
  fetchMs: number;
  pages: number;
  items: number;
  /** Peak RSS of the server while listing (VmHWM reset before the list, cross-checked by sampling). */
  peakRssBytes: number;
}

interface ListBody {
  metadata?: { continue?: string };
  items?: unknown[];
}

/** Pages through the whole collection and counts the items (a parse checks every page is valid JSON). */
export async function listAll(http: HttpClient, path: string, limit: number): Promise<Omit<ListFigures, 'peakRssBytes'>> {
  const started = performance.now();
  let fetchMs = 0;
  let pages = 0;
  let items = 0;
  let cont: string | undefined;
  do {
    const q = `?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const t0 = performance.now();
    const res = expectOk(await http.send('GET', path + q, undefined, { accept: 'application/json' }), `docket list page ${pages + 1}`);
    fetchMs += performance.now() - t0;
    const body = JSON.parse(res.body.toString('utf8')) as ListBody;
    pages++;
    items += body.items?.length ?? 0;
    cont = body.metadata?.continue || undefined;
  } while (cont);
  return { ms: Math.round(performance.now() - started), fetchMs: Math.round(fetchMs), pages, items };
}

/** What `kubectl get` asks for: server-side Table rows (no results needed), JSON otherwise. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** Sequential first-page requests (one client, like a user running kubectl); `accept` picks full objects or Table rows. */
export async function firstPageLatency(http: HttpClient, path: string, limit: number, requests: number, accept = 'application/json'): Promise<PhaseFigures> {
  const { latencies, wallMs } = await runConcurrent(requests, 1, async () => {
    expectOk(await http.send('GET', `${path}?limit=${limit}`, undefined, { accept }), 'docket first page');
  });
  return toPhaseFigures(latencies, wallMs);
}

const PROBE_SCRIPT = fileURLToPath(new URL('./first-page-probe.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The same sequential first-page requests (`firstPageLatency`), sent from a fresh small child process
 * (first-page-probe.ts), as a user's kubectl would: the bench process holds every generated report and
 * the garbage of the full list it just parsed, and its own GC pauses are not the server's latency.
 */
export async function firstPageLatencyFromProbe(baseUrl: string, path: string, limit: number, requests: number, accept = 'application/json'): Promise<PhaseFigures> {
  const { stdout } = await promisify(execFile)(process.execPath,
    ['--import', 'tsx', PROBE_SCRIPT, baseUrl, path, String(limit), String(requests), accept], { cwd: REPO_ROOT });
  const figures = JSON.parse(stdout) as PhaseFigures;
  if (figures.count !== requests) throw new Error(`first-page probe answered ${figures.count} of ${requests} requests`);
  return figures;
}
