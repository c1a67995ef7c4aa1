/** Option parsers shared by commands: they turn a bad value into commander's usage error (exit 2). */
import { InvalidArgumentError } from 'commander';
import { parseServerUrl } from '../listen.ts';

export function serverOption(value: string): string {
  try {
    return parseServerUrl(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}
