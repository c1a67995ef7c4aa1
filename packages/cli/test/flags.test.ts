// Exit codes and messages for bad flags and unreachable peers: most cases run the command tree
// in-process (cheap); a few run the real `docket` process to prove main.ts maps them to exit codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, type CliDeps } from '../src/program.ts';
import type { ServeHandle } from '../src/commands/serve.ts';
import { runDocket } from '../../../test/support/docket.ts';

interface Case {
  name: string;
  args: string[];
  code: number;
  stderr: RegExp[];
  stdout?: RegExp;
}

const cases: Case[] = [
  { name: 'non-loopback --listen is refused', args: ['serve', '--listen', '0.0.0.0:8080'], code: 2, stderr: [/refusing to listen on 0\.0\.0\.0:8080/, /loopback/, /TLS/] },
  { name: 'all-interfaces --listen is refused', args: ['serve', '--listen', ':8080'], code: 2, stderr: [/refusing to listen/] },
  { name: 'malformed --listen', args: ['serve', '--listen', 'localhost'], code: 2, stderr: [/invalid --listen "localhost"/, /HOST:PORT/] },
  { name: 'unknown --store kind', args: ['serve', '--store', 'mysql://h/db'], code: 2, stderr: [/invalid --store "mysql:\/\/h\/db"/, /sqlite:PATH/, /postgres:\/\//] },
  { name: '--store without a database name', args: ['serve', '--store', 'postgres://u:pw@h:5432'], code: 2, stderr: [/invalid --store "postgres:\/\/u:\*\*\*@h:5432"/, /missing database/] },
  { name: 'non-numeric --max-body-bytes', args: ['serve', '--max-body-bytes', 'lots'], code: 2, stderr: [/--max-body-bytes must be a positive integer/] },
  { name: 'unitless --history-retention', args: ['serve', '--history-retention', '300'], code: 2, stderr: [/--history-retention must be a positive duration such as 90s, 5m or 1h/] },
  { name: 'zero --history-retention', args: ['serve', '--history-retention', '0s'], code: 2, stderr: [/--history-retention must be a positive duration/] },
  { name: 'unknown --log-level', args: ['serve', '--log-level', 'loud'], code: 2, stderr: [/--log-level/, /info/] },
  { name: 'bad --cluster-id', args: ['serve', '--cluster-id', 'a b'], code: 2, stderr: [/invalid --cluster-id "a b"/] },
  { name: 'unknown option', args: ['serve', '--port', '1'], code: 2, stderr: [/unknown option '--port'/] },
  { name: 'unknown command', args: ['frobnicate'], code: 2, stderr: [/unknown command 'frobnicate'/] },
  { name: 'import without paths', args: ['import'], code: 2, stderr: [/missing required argument 'paths'/] },
  { name: 'import with a --server that is not a URL', args: ['import', '--server', 'localhost:8080', 'x.yaml'], code: 2, stderr: [/invalid --server "localhost:8080"/] },
  { name: 'import of a missing file', args: ['import', '/nonexistent/reports.yaml'], code: 1, stderr: [/cannot read \/nonexistent\/reports\.yaml: no such file or directory/] },
  {
    name: 'unreachable database',
    args: ['serve', '--listen', '127.0.0.1:0', '--store', 'postgres://nobody:hunter2@127.0.0.1:1/docket'],
    code: 1,
    stderr: [/cannot open the store \(postgres postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/docket\)/, /ECONNREFUSED|connect/],
  },
  { name: 'version', args: ['version'], code: 0, stderr: [], stdout: /^Client Version: 0\.1\.0$/m },
];

function testDeps(): { deps: CliDeps; out: string[]; err: string[]; served: ServeHandle[] } {
  const out: string[] = [];
  const err: string[] = [];
  const served: ServeHandle[] = [];
  const deps: CliDeps = {
    version: '0.1.0',
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    fetch: globalThis.fetch,
    readStdin: async () => '',
    cwd: process.cwd(),
    defaultServer: 'http://127.0.0.1:8080',
    logStream: { write: () => true },
    onServing: (h) => served.push(h),
  };
  return { deps, out, err, served };
}

describe('docket flags and exit codes (in-process)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const t = testDeps();
      const code = await runCli(c.args, t.deps);
      await Promise.all(t.served.map((h) => h.stop()));
      const stderr = t.err.join('\n');
      assert.equal(code, c.code, `exit code of docket ${c.args.join(' ')}\nstdout: ${t.out.join('\n')}\nstderr: ${stderr}`);
      assert.equal(t.served.length, 0, 'nothing may be left serving');
      for (const re of c.stderr) assert.match(stderr, re);
      if (c.stdout) assert.match(t.out.join('\n'), c.stdout);
      assert.doesNotMatch(stderr, /hunter2|    at /, 'no secrets or stack traces');
    });
  }
});

describe('docket flags and exit codes (real process)', () => {
  for (const c of [cases[0]!, cases[13]!, cases[14]!]) {
    it(c.name, async () => {
      const r = await runDocket(c.args, { timeoutMs: 30_000 });
      assert.equal(r.code, c.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      for (const re of c.stderr) assert.match(r.stderr, re);
      if (c.stdout) assert.match(r.stdout, c.stdout);
    });
  }
});
