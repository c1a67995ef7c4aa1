/**
 * The `docket` command tree. Everything the commands need from the process comes in through
 * `CliDeps`, so tests can run commands in-process; `main.ts` supplies the real ones.
 */
import { Command, CommanderError } from 'commander';
import { CliError, USAGE_EXIT } from './errors.ts';
import { deliveriesCommand } from './commands/deliveries.ts';
import { importCommand } from './commands/import.ts';
import { publishCommand } from './commands/publish-command.ts';
import { serveCommand, type ServeHandle } from './commands/serve.ts';
import { versionCommand } from './commands/version.ts';

export interface CliDeps {
  /** Client version (from packages/cli/package.json). */
  version: string;
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  fetch: typeof globalThis.fetch;
  readStdin(): Promise<string>;
  /** Working directory relative paths resolve against. */
  cwd: string;
  /** Default for --server (main passes $DOCKET_SERVER or http://127.0.0.1:8080). */
  defaultServer: string;
  /** Where server logs go (stderr in production): one JSON object per line. */
  logStream: { write(s: string): unknown };
  /** Called once `serve` is listening, so the caller can stop it on a signal. */
  onServing(handle: ServeHandle): void;
  /** Environment variables a command may read (main passes process.env); absent = none. */
  env?: Record<string, string | undefined>;
}

/** Builds the command tree; commander errors are thrown (not exited) so `runCli` maps them. */
export function createProgram(deps: CliDeps): Command {
  const program = new Command('docket')
    .description('Docket: the policy-report platform for Kubernetes')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.out(s.replace(/\n$/, '')),
      writeErr: (s) => deps.err(s.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run docket --help for usage)');
  for (const cmd of [serveCommand(deps), importCommand(deps), publishCommand(deps), deliveriesCommand(deps), versionCommand(deps)]) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => deps.out(s.replace(/\n$/, '')),
      writeErr: (s) => deps.err(s.replace(/\n$/, '')),
    });
    program.addCommand(cmd);
  }
  return program;
}

/**
 * Runs the CLI with user arguments (no `node` and script path); resolves to the exit code:
 * 0 success, 1 failure, 2 bad usage. Never exits the process itself.
 */
export async function runCli(args: string[], deps: CliDeps): Promise<number> {
  try {
    await createProgram(deps).parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version are "errors" to commander; they already printed what they should.
      return e.exitCode === 0 ? 0 : USAGE_EXIT;
    }
    if (e instanceof CliError) {
      deps.err(`error: ${e.message}`);
      return e.exitCode;
    }
    deps.err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
