/**
 * An error meant for the person at the terminal: `message` is printed as is (prefixed with
 * `error: `) and the process exits with `exitCode`. 2 = bad usage (flags, arguments), 1 = the
 * command ran and failed.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit code for bad flags or arguments, as commander and most Unix tools use. */
export const USAGE_EXIT = 2;
