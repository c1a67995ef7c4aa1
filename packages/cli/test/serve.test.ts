// `docket serve` as a process: startup line, data directory, version, port clash, graceful shutdown.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDocket, startDocket, type DocketServer } from '../../../test/support/docket.ts';

describe('docket serve', () => {
  let dir: string;
  let server: DocketServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-serve-'));
    server = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite:./nested/data/docket.db'], { cwd: dir });
  });
  after(async () => {
    await server?.stop('SIGKILL').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the real port and the store, and creates the data directory', async () => {
    assert.match(server.banner, /^Docket API server listening on http:\/\/127\.0\.0\.1:(\d+) \(store: sqlite \.\/nested\/data\/docket\.db\)$/);
    assert.notEqual(new URL(server.url).port, '0');
    assert.ok(existsSync(join(dir, 'nested', 'data', 'docket.db')));
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    const line = server.stderr().split('\n').find((l) => l.includes('"msg":"serving"'));
    assert.ok(line, `a JSON log line on stderr:\n${server.stderr()}`);
    assert.equal(JSON.parse(line).level, 30);
  });

  it('docket version --server shows both versions', async () => {
    const r = await runDocket(['version', '--server', server.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Client Version: 0\.1\.0\nServer Version: v\d+\.\d+\.\d+\S*\n$/);
  });

  it('fails with a clear message when the port is taken', async () => {
    const port = new URL(server.url).port;
    const r = await runDocket(['serve', '--listen', `127.0.0.1:${port}`, '--store', `sqlite:${join(dir, 'other.db')}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`shuts down on ${signal} with a watch open, exiting 0`, async () => {
      const s = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, `${signal}.db`)}`]);
      const watch = await fetch(`${s.url}/apis/wgpolicyk8s.io/v1alpha2/policyreports?watch=true`);
      assert.equal(watch.status, 200);
      const reader = watch.body!.getReader();
      const ended = (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // A reset connection also ends the watch.
        }
        return true;
      })();
      const started = Date.now();
      const exit = await s.stop(signal, 8000);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(Date.now() - started < 6000, 'stopped within the grace period');
      assert.equal(await ended, true);
      assert.match(s.stderr(), /"msg":"stopped"/);
    });
  }
});
