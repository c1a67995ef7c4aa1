/**
 * Parsing of `--store`: which engine, where, and how to show it without secrets. Pure.
 */
import { dirname, resolve } from 'node:path';

export type StoreLocation =
  | { engine: 'sqlite'; /** File path as given (relative to the working directory). */ path: string; url: string }
  | { engine: 'postgres'; url: string };

export const STORE_FORMS = 'sqlite:PATH (e.g. sqlite:./data/docket.db) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB';

/** Parses a `--store` value; throws an Error naming the flag and the accepted forms. */
export function parseStoreUrl(value: string): StoreLocation {
  const v = value.trim();
  const bad = (why: string): Error => new Error(`invalid --store "${redactUrl(v)}": ${why}; expected ${STORE_FORMS}`);
  if (v.startsWith('sqlite:')) {
    // sqlite:./rel, sqlite:/abs and sqlite:///abs all name a file; sqlite://host/... does not.
    let path = v.slice('sqlite:'.length);
    if (path.startsWith('///')) path = path.slice(2);
    else if (path.startsWith('//')) throw bad('a sqlite store is a file path, not a host');
    if (path === '' || path.endsWith('/')) throw bad('missing file name');
    return { engine: 'sqlite', path, url: `sqlite:${path}` };
  }
  if (/^postgres(ql)?:\/\//.test(v)) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw bad('not a valid URL');
    }
    if (!u.hostname && !u.searchParams.get('host')) throw bad('missing host');
    if (u.pathname.length <= 1) throw bad('missing database name');
    return { engine: 'postgres', url: v };
  }
  throw bad('unknown store kind');
}

/** The directory a sqlite store needs to exist (absolute), or undefined for other engines. */
export function dataDirOf(loc: StoreLocation, cwd: string): string | undefined {
  return loc.engine === 'sqlite' ? dirname(resolve(cwd, loc.path)) : undefined;
}

/** Human description for the startup line, e.g. `sqlite ./data/docket.db`. Never shows a password. */
export function describeStore(loc: StoreLocation): string {
  return loc.engine === 'sqlite' ? `sqlite ${loc.path}` : `postgres ${redactUrl(loc.url)}`;
}

/** Replaces the password of a URL with `***`; leaves anything unparsable alone. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
