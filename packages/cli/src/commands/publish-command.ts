/**
 * The `docket publish` command line: flags only. Its implementation (publish.ts) is imported when
 * the command runs.
 */
import { Command, Option } from 'commander';
import { serverOption } from './options.ts';
import type { CliDeps } from '../program.ts';

export interface PublishOptions {
  config?: string;
  server?: string;
  kubeconfig?: string;
  context?: string;
  metricsListen?: string;
  logLevel?: string;
}

export function publishCommand(deps: CliDeps): Command {
  return new Command('publish')
    .description('turn producer events (Hubble, KubeArmor, Falco, Trivy, kube-bench, Kyverno) into reports')
    .option('-c, --config <file>', 'publish configuration (YAML); without it only the policy-report-publisher environment variables apply')
    .option('-s, --server <url>', 'write to this API server URL (overrides sink in the config)', serverOption)
    .option('--kubeconfig <file>', 'kubeconfig file (overrides sink.kubeconfig)')
    .option('--context <name>', 'kubeconfig context')
    .option('--metrics-listen <host:port>', 'address of /metrics, /healthz and /readyz (overrides metrics.listen)')
    .addOption(new Option('--log-level <level>', 'log level (overrides logLevel)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action(async (opts: PublishOptions) => {
      // The implementation (gRPC, @kubernetes/client-node, producers) loads only when publish runs,
      // so other commands (`serve` above all) do not carry its memory and start-up time.
      const { startPublish } = await import('./publish.ts');
      const handle = await startPublish(opts, deps);
      if (handle) deps.onServing(handle);
    });
}
