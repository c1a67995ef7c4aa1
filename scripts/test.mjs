#!/usr/bin/env node
// Runs every test file with node's test runner (through tsx), after making sure the real
// components the tests need are there: a throw-away PostgreSQL cluster is started here unless
// DOCKET_TEST_PG_URL points at one. Usage: npm test [-- path-fragment ...] to run a subset.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = [...findTests(join(root, 'packages')), ...(existsSync(join(root, 'test')) ? findTests(join(root, 'test')) : [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : undefined;
}

/** Starts a throw-away cluster on a free port; returns { url, stop }. */
function startPostgres() {
  const bin = pgBinDir();
  if (!bin) {
    console.error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql, or set DOCKET_TEST_PG_URL');
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'docket-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd) => {
    const r = asRoot ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { encoding: 'utf8' }) : spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}\n${r.stdout}${r.stderr}`);
  };
  if (asRoot) spawnSync('chown', ['postgres', dir]);
  const port = 20000 + Math.floor(Math.random() * 20000);
  run(`${bin}/initdb -D ${dir}/data -A trust -U postgres --no-sync >/dev/null`);
  run(`${bin}/pg_ctl -D ${dir}/data -l ${dir}/log -w start -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => { try { run(`${bin}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`); } finally { rmSync(dir, { recursive: true, force: true }); } },
  };
}

let pg;
const env = { ...process.env };
if (!env.DOCKET_TEST_PG_URL) {
  pg = startPostgres();
  env.DOCKET_TEST_PG_URL = pg.url;
  console.log(`# started throw-away PostgreSQL at ${pg.url}`);
}

const args = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=300000', ...files];
const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
const finish = (code) => { pg?.stop(); process.exit(code); };
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => finish(code ?? (signal ? 1 : 0)));
