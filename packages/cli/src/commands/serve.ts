/**
 * `docket serve`: open the store, build the API server, listen on loopback, print where, and stop
 * cleanly when asked (the caller wires signals to `ServeHandle.stop`). With `--config` it also runs
 * the reporter (sources, new-result detection, outbox, delivery, leader election) and /metrics.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino, type Logger } from 'pino';
import type { DeliveryStore, ReportStore } from '@docket/store';
import { CliError, USAGE_EXIT } from '../errors.ts';
import { formatHostPort, isLoopback, parseListen } from '../listen.ts';
import { dataDirOf, describeStore, parseStoreUrl, redactUrl } from '../store-url.ts';
import type { CliDeps } from '../program.ts';

export interface ServeOptions {
  listen: string;
  store: string;
  clusterId: string;
  maxBodyBytes: number;
  /** How long superseded versions and change-log entries are kept, in ms. */
  historyRetention: number;
  logLevel: string;
  /** Reporter config file (`docket.yaml`); without it only the API is served. */
  config?: string;
}

export interface ServeHandle {
  /** Base URL with the real port, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops accepting, ends open requests (watches) after a short grace, closes the store. Idempotent. */
  stop(): Promise<void>;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** How long open requests (mostly watches) get to finish on shutdown before their sockets are closed. */
const CLOSE_GRACE_MS = 2000;
/** Bound on opening the store, so an unreachable database fails instead of hanging. */
const OPEN_TIMEOUT_MS = 15_000;

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer`);
    return n;
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `90s`, `5m`, `1h`, `250ms` (commander usage error otherwise). Pure. */
export function parseDuration(flag: string) {
  return (value: string): number => {
    const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
    const ms = m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : NaN;
    if (!Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError(`${flag} must be a positive duration such as 90s, 5m or 1h`);
    return ms;
  };
}

export function serveCommand(deps: CliDeps): Command {
  return new Command('serve')
    .description('serve the Kubernetes-compatible report API')
    .option('--listen <host:port>', 'address to listen on (loopback only; port 0 picks a free port)', '127.0.0.1:8080')
    .option('--store <url>', 'sqlite:PATH or postgres://USER@HOST:PORT/DB', 'sqlite:./data/docket.db')
    .option('--cluster-id <id>', 'cluster id stamped on every stored row', 'default')
    .option('--max-body-bytes <n>', 'largest accepted request body', positiveInt('--max-body-bytes'), 3 * 1024 * 1024)
    .option(
      '--history-retention <duration>',
      'how long superseded versions are kept for watch resume and paginated lists (e.g. 90s, 5m)',
      parseDuration('--history-retention'), 5 * 60_000,
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .option('--config <file>', 'reporter config (YAML): sources, targets, delivery, metrics; also serves /metrics')
    .action(async (opts: ServeOptions) => {
      deps.onServing(await startServe(opts, deps));
    });
}

/** Validates the options, opens the store and starts listening. Throws CliError on any failure. */
export async function startServe(opts: ServeOptions, deps: CliDeps): Promise<ServeHandle> {
  let listen;
  let location;
  try {
    listen = parseListen(opts.listen);
    location = parseStoreUrl(opts.store);
  } catch (e) {
    throw new CliError((e as Error).message, USAGE_EXIT);
  }
  if (!isLoopback(listen.host)) {
    throw new CliError(
      `refusing to listen on ${formatHostPort(listen.host, listen.port)}: without TLS and authentication Docket binds only ` +
        'to loopback (127.0.0.1, ::1, localhost), see DESIGN decision 10; use e.g. --listen 127.0.0.1:8080',
      USAGE_EXIT,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(opts.clusterId)) {
    throw new CliError(`invalid --cluster-id "${opts.clusterId}": use 1-63 letters, digits, '.', '_' or '-'`, USAGE_EXIT);
  }
  const logger = pino({ level: opts.logLevel, base: { name: 'docket' }, timestamp: pino.stdTimeFunctions.isoTime }, deps.logStream);
  const reporter = opts.config ? await loadReporter(resolve(deps.cwd, opts.config), deps) : undefined;

  const dataDir = dataDirOf(location, deps.cwd);
  if (dataDir) {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (e) {
      throw new CliError(`cannot create the data directory ${dataDir}: ${(e as Error).message}`, 1);
    }
  }
  // Loaded here rather than at the top so `docket import`/`version` start without the server code.
  const [{ openStore }, { buildApiServer }] = await Promise.all([import('@docket/store'), import('@docket/apiserver')]);
  const store = await openWithTimeout(() => openStore(location.url, { clusterId: opts.clusterId, historyRetentionMs: opts.historyRetention }), describeStore(location));
  // One outbox for the API (GET /docket/v1/deliveries) and the reporter, which writes to it.
  let deliveries: DeliveryStore | undefined;
  if (reporter) {
    try {
      deliveries = await (await import('@docket/store')).openDeliveryStore(location.url, { clusterId: opts.clusterId });
    } catch (e) {
      await closeQuietly(store, logger);
      throw new CliError(`cannot open the delivery outbox (${describeStore(location)}): ${describeOpenError(e)}`, 1);
    }
  }
  const app = buildApiServer({ store, logger, maxBodyBytes: opts.maxBodyBytes, ...(deliveries ? { deliveries } : {}) });
  if (reporter) app.get('/metrics', reporter.module.metricsHandler(reporter.metrics));
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (e) {
    await deliveries?.close();
    await closeQuietly(store, logger);
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot listen on ${formatHostPort(listen.host, listen.port)}: ${code === 'EADDRINUSE' ? 'address already in use' : (e as Error).message}`, 1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const url = `http://${formatHostPort(listen.host, port)}`;
  let service: ReporterService | undefined;
  if (reporter) {
    const { module, config, metrics } = reporter;
    for (const u of config.unconfiguredTargets) logger.info({ target: u.path, reason: u.reason }, 'target block sets nothing; not used');
    logger.debug({ config: module.redact(config) }, 'reporter config');
    try {
      service = await module.startReporterService({
        config, storeUrl: location.url, store: module.timeCalls(store, metrics.storeLatency), historyRetentionMs: opts.historyRetention,
        ...(deliveries ? { outbox: deliveries } : {}),
        env: { hostname: hostname(), podName: deps.env?.['POD_NAME'], podNamespace: deps.env?.['POD_NAMESPACE'] },
        logger: logger.child({ component: 'reporter' }), metrics,
        // Targets are created per leadership term and closed with it (webhook keepalives run on the leader only).
        createDispatcher: module.createDispatcherFactory({
          config, metrics, logger: logger.child({ component: 'dispatcher' }),
          targetDeps: { fetch: deps.fetch, now: Date.now, logger: logger.child({ component: 'targets' }) },
        }),
      });
    } catch (e) {
      await app.close();
      await deliveries?.close();
      await closeQuietly(store, logger);
      throw new CliError(`cannot start the reporter: ${(e as Error).message}`, 1);
    }
  }
  deps.out(`Docket API server listening on ${url} (store: ${describeStore(location)})`);
  logger.info({ url, store: redactUrl(location.url), clusterId: opts.clusterId, ...(opts.config ? { config: opts.config } : {}) }, 'serving');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down');
      if (service) {
        try {
          await service.stop();
        } catch (e) {
          logger.warn({ err: e }, 'stopping the reporter failed');
        }
      }
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
        await deliveries?.close();
        await closeQuietly(store, logger);
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}

async function openWithTimeout(open: () => Promise<ReportStore>, what: string): Promise<ReportStore> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([open(), timeout]);
  } catch (e) {
    throw new CliError(`cannot open the store (${what}): ${describeOpenError(e)}`, 1);
  } finally {
    clearTimeout(timer);
  }
}

function describeOpenError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { errors?: Error[] };
  // pg wraps connection failures to several addresses into an AggregateError with an empty message.
  if (!err.message && err.errors?.length) return err.errors.map((x) => x.message).join('; ');
  return err.code && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message || String(e);
}

async function closeQuietly(store: ReportStore, logger: Logger): Promise<void> {
  try {
    await store.close();
  } catch (e) {
    logger.warn({ err: e }, 'closing the store failed');
  }
}

type ReporterModule = typeof import('@docket/reporter');
type ReporterService = Awaited<ReturnType<ReporterModule['startReporterService']>>;

interface LoadedReporter {
  module: ReporterModule;
  config: Awaited<ReturnType<ReporterModule['loadConfig']>>;
  metrics: ReturnType<ReporterModule['createReporterMetrics']>;
}

/** Loads and validates the reporter config before anything is opened; a bad file is a usage error. */
async function loadReporter(path: string, deps: CliDeps): Promise<LoadedReporter> {
  const module = await import('@docket/reporter');
  let config;
  try {
    const env = deps.env ?? {};
    // secretRef: read through the Kubernetes API, connected only when a config names a Secret.
    const readSecret = module.createKubeSecretReader({
      async readNamespacedSecret(args) {
        const [{ CoreV1Api }, { loadKubeConfig }] = await Promise.all([import('@kubernetes/client-node'), import('@docket/kube')]);
        const kc = loadKubeConfig(env['KUBERNETES_SERVICE_HOST'] ? { inCluster: true } : {});
        return kc.makeApiClient(CoreV1Api).readNamespacedSecret(args);
      },
    });
    config = await module.loadConfig({ path }, { env, readSecret });
  } catch (e) {
    throw new CliError(`invalid --config ${path}: ${(e as Error).message}`, USAGE_EXIT);
  }
  return { module, config, metrics: module.createReporterMetrics({ config: config.metrics }) };
}
