/** Command-line options of `npm run bench:store` (pure parsing; main.ts-style reading stays in bench/store.ts). */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  reports: number;
  writers: number;
  /** Docket store: 'sqlite' (a fresh temp file) or a postgres:// URL (a fresh database is created in it). */
  store: string;
  pageSize: number;
  firstPageRequests: number;
  /** Which part to run alone; both halves (and the HTTP floor) by default (ratios need both halves). */
  only?: 'etcd' | 'docket' | 'floor';
  /** Skip the HTTP floor (a do-nothing Node server driven like Docket) that runs by default with both halves. */
  skipFloor: boolean;
  /** Directory for a V8 CPU profile of the Docket server (node --cpu-prof), written when it stops. */
  cpuProfDir?: string;
  /** Passed to `docket serve --history-retention`; the steady-state size is read once it has passed. */
  historyRetentionS: number;
  /** Skip the wait for the history window (no steady-state size in the output). */
  skipRetentionWait: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench:store -- [options]
  --reports N              reports to write (default 100000; --quick = 10000)
  --quick                  development run with 10000 reports
  --writers C              concurrent writers for every part: etcd, Docket, floor (default 16)
  --store sqlite|URL       Docket store: a fresh temp SQLite file (default) or postgres://... (a temp database is created there)
  --page-size N            list page size (default 500)
  --first-page-requests N  requests for the first-page latency (default 200)
  --only etcd|docket|floor
                           run one part only (no ratios); floor = the HTTP floor alone
  --skip-floor             skip the HTTP floor: a do-nothing Node server (echo, and JSON parse + stringify)
                           written to with the same client and writers, the most any Node server reaches here
  --cpu-prof DIR           write a CPU profile of the Docket server to DIR (open in Chrome DevTools)
  --history-retention-s N  Docket's history window (default 300 = the server default); after it has passed and
                           compaction has run, the bench reads the steady-state DB size
  --skip-retention-wait    do not wait for the history window (no steady-state size)
Prints one JSON line on stdout; progress goes to stderr.`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      reports: { type: 'string' },
      quick: { type: 'boolean', default: false },
      writers: { type: 'string' },
      store: { type: 'string' },
      'page-size': { type: 'string' },
      'first-page-requests': { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'history-retention-s': { type: 'string' },
      'skip-retention-wait': { type: 'boolean', default: false },
      'skip-floor': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const store = values.store ?? 'sqlite';
  if (store !== 'sqlite' && !/^postgres(ql)?:\/\//.test(store)) throw new Error(`--store must be "sqlite" or a postgres:// URL`);
  if (values.only !== undefined && values.only !== 'etcd' && values.only !== 'docket' && values.only !== 'floor') throw new Error('--only must be etcd, docket or floor');
  if (values.only === 'floor' && values['skip-floor']) throw new Error('--only floor and --skip-floor exclude each other');
  return {
    reports: positiveInt('reports', values.reports, values.quick ? 10000 : 100000),
    writers: positiveInt('writers', values.writers, 16),
    store,
    pageSize: positiveInt('page-size', values['page-size'], 500),
    firstPageRequests: positiveInt('first-page-requests', values['first-page-requests'], 200),
    only: values.only as BenchOptions['only'],
    cpuProfDir: values['cpu-prof'],
    historyRetentionS: positiveInt('history-retention-s', values['history-retention-s'], 300),
    skipRetentionWait: values['skip-retention-wait'] ?? false,
    skipFloor: values['skip-floor'] ?? false,
    help: values.help ?? false,
  };
}

/** Which parts of the bench run. */
export interface BenchPlan {
  etcd: boolean;
  docket: boolean;
  floor: boolean;
}

/** Pure: the parts to run. The floor comes with both halves (unless skipped) or alone with `--only floor`. */
export function toBenchPlan(opts: Pick<BenchOptions, 'only' | 'skipFloor'>): BenchPlan {
  if (opts.only === 'floor') return { etcd: false, docket: false, floor: true };
  return {
    etcd: opts.only !== 'docket',
    docket: opts.only !== 'etcd',
    floor: opts.only === undefined && !opts.skipFloor,
  };
}
