import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/', import.meta.url);

/** A JSON fixture file. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
}

/** A JSON-lines fixture file (one document per line, as `hubble observe -o json` prints). */
export function fixtureLines(name: string): unknown[] {
  return readFileSync(new URL(name, dir), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
}

export function fixturePath(name: string): string {
  return new URL(name, dir).pathname;
}
