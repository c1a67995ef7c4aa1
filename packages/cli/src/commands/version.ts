/** `docket version [--server URL]`: the client's version, and the server's /version when asked. */
import { Command } from 'commander';
import { createApiClient } from '../api-client.ts';
import { CliError } from '../errors.ts';
import { serverOption } from './options.ts';
import type { CliDeps } from '../program.ts';

export function versionCommand(deps: CliDeps): Command {
  return new Command('version')
    .description('print the client version (and the server version with --server)')
    .option('-s, --server <url>', 'also ask this Docket API server for its version', serverOption)
    .action(async (opts: { server?: string }) => {
      deps.out(`Client Version: ${deps.version}`);
      if (!opts.server) return;
      const client = createApiClient({ server: opts.server, fetch: deps.fetch, timeoutMs: 10_000 });
      try {
        const body = (await client.request('GET', '/version')).body as Record<string, unknown> | undefined;
        deps.out(`Server Version: ${String(body?.gitVersion ?? JSON.stringify(body))}`);
      } catch (e) {
        throw new CliError((e as Error).message, 1);
      }
    });
}
