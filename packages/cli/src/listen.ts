/**
 * Parsing and checking of `--listen HOST:PORT`. Pure functions; the serve command turns their
 * errors into exit code 2.
 */
import { isIP } from 'node:net';

export interface ListenAddress {
  /** Host as given, without IPv6 brackets (`127.0.0.1`, `::1`, `localhost`, `0.0.0.0`). */
  host: string;
  /** 0 asks the OS for a free port. */
  port: number;
}

/**
 * Parses `HOST:PORT`, `[IPV6]:PORT` or `:PORT` (all interfaces). Throws an Error whose message
 * says which forms are accepted.
 */
export function parseListen(value: string): ListenAddress {
  const forms = 'expected HOST:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or localhost:0';
  const m = /^(?:\[([^\]]+)\]|([^:\[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (!m) throw new Error(`invalid --listen "${value}": ${forms}`);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid --listen "${value}": port ${port} is out of range 0-65535`);
  if (m[1] !== undefined && isIP(host) !== 6) throw new Error(`invalid --listen "${value}": "${host}" is not an IPv6 address`);
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, ::ffff:127.x, `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Formats a host and port as a URL authority (brackets around IPv6). */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Checks a `--server` value: an http(s) URL without query or fragment. Returns it without a trailing slash. */
export function parseServerUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`invalid --server "${value}": expected a URL such as http://127.0.0.1:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`invalid --server "${value}": only http:// and https:// are supported`);
  if (u.search || u.hash) throw new Error(`invalid --server "${value}": no query or fragment allowed`);
  return value.replace(/\/+$/, '');
}
