/**
 * The `docket` process: the only place that reads argv and the environment, wires signals, and
 * exits. Everything else is in `program.ts` and the commands.
 */
import { readFileSync } from 'node:fs';
import { createPrettyStream } from './log-format.ts';
import { runCli, type CliDeps } from './program.ts';
import type { ServeHandle } from './commands/serve.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let serving: ServeHandle | undefined;

const deps: CliDeps = {
  version: pkg.version,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  fetch: globalThis.fetch,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  cwd: process.cwd(),
  defaultServer: process.env.DOCKET_SERVER ?? 'http://127.0.0.1:8080',
  env: process.env,
  // JSON for pipes and log collectors; a readable line per entry on a terminal.
  logStream: process.stderr.isTTY && process.env.DOCKET_LOG_FORMAT !== 'json' ? createPrettyStream(process.stderr) : process.stderr,
  onServing: (handle) => {
    serving = handle;
  },
};

const code = await runCli(process.argv.slice(2), deps);
if (code !== 0 || !serving) {
  process.exitCode = code;
} else {
  const server = serving;
  const shutdown = (signal: string): void => {
    process.stderr.write(`received ${signal}, shutting down\n`);
    server.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error: shutdown failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
