// Bad input at a running server over HTTP (SQLite): thousands of deterministic mutations of real
// reports. Every answer is a success or a well-formed Status, never a 5xx; the server stays ready;
// and the store holds exactly the objects whose writes succeeded, at the versions they reported.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RESOURCE_TYPES } from '@docket/model';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createRng, mutate, type FuzzRequest } from './fuzz-mutations.ts';
import { genReportsPath } from '../support/shared.ts';

const REQUESTS = 2000;
const CONCURRENCY = 8;
const SEED = 20251122;

function pathOf(r: FuzzRequest, name?: string): string {
  const base = `/apis/${r.resource.group}/${r.version}`;
  const ns = r.resource.namespaced ? `/namespaces/${encodeURIComponent(r.namespace)}` : '';
  return `${base}${ns}/${r.resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Problems with a non-2xx answer, or [] when it is a proper Kubernetes Status. */
function statusProblems(code: number, contentType: string, body: any): string[] {
  const p: string[] = [];
  if (!contentType.startsWith('application/json')) p.push(`content-type ${contentType}`);
  if (body?.kind !== 'Status' || body?.apiVersion !== 'v1') p.push('not a v1 Status');
  if (body?.status !== 'Failure') p.push(`status ${body?.status}`);
  if (body?.code !== code) p.push(`code ${body?.code} != HTTP ${code}`);
  if (typeof body?.reason !== 'string' || body.reason === '') p.push('no reason');
  if (typeof body?.message !== 'string' || body.message === '') p.push('no message');
  return p;
}

describe('fuzzing the API with mutated reports (SQLite)', () => {
  let dir: string;
  let server: DocketServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-fuzz-'));
    server = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'docket.db')}`, '--log-level', 'fatal', '--max-body-bytes', '262144']);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${REQUESTS} mutated requests with successes or Status bodies and writes nothing else`, async () => {
    const gen = (group?: string) => execFileSync(process.execPath, [genReportsPath(), '30', ...(group ? [group] : [])], { encoding: 'utf8' });
    // Four results per report keep each request cheap; the mutations matter, not the size.
    const bases = [...gen().trim().split('\n'), ...gen('openreports').trim().split('\n')].map((l) => {
      const o = JSON.parse(l);
      o.results = o.results.slice(0, 4);
      delete o.summary;
      return o;
    });
    const rng = createRng(SEED);
    const requests = Array.from({ length: REQUESTS }, (_, i) => mutate(bases[i % bases.length], rng, i));

    /** key (group/plural/namespace/name) → highest resourceVersion a 2xx write reported. */
    const written = new Map<string, bigint>();
    const problems: string[] = [];
    const byCode = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const res = await fetch(server.url + pathOf(r, r.urlName), { method: r.method, headers: { 'content-type': r.contentType, accept: 'application/json' }, body: r.body });
        const text = await res.text();
        byCode.set(res.status, (byCode.get(res.status) ?? 0) + 1);
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`${r.method} ${r.what.join('+')}: HTTP ${res.status} body is not JSON: ${text.slice(0, 120)}`);
          continue;
        }
        const label = `${r.method} ${pathOf(r, r.urlName).slice(0, 100)} [${r.what.join('+')}] → ${res.status}`;
        if (res.status >= 500) problems.push(`${label}: server error ${body?.message ?? text.slice(0, 200)}`);
        else if (res.status >= 200 && res.status < 300) {
          const m = body?.metadata;
          if (body?.kind !== r.resource.kind || body?.apiVersion !== `${r.resource.group}/${r.version}` || typeof m?.name !== 'string' || !/^\d+$/.test(m?.resourceVersion ?? '')) {
            problems.push(`${label}: malformed success ${text.slice(0, 200)}`);
            continue;
          }
          const key = `${r.resource.group}/${r.resource.plural}/${m.namespace ?? ''}/${m.name}`;
          const rv = BigInt(m.resourceVersion);
          if (!written.has(key) || written.get(key)! < rv) written.set(key, rv);
        } else {
          const p = statusProblems(res.status, res.headers.get('content-type') ?? '', body);
          if (p.length) problems.push(`${label}: ${p.join(', ')}: ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} bad answers (first 20 shown); codes ${JSON.stringify([...byCode])}`);
    // The run must exercise both paths, or it proves nothing.
    assert.ok(written.size > 20, `only ${written.size} successful writes`);
    assert.ok((byCode.get(422) ?? 0) + (byCode.get(400) ?? 0) > REQUESTS / 4, `too few rejections: ${JSON.stringify([...byCode])}`);

    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

    const stored = new Map<string, bigint>();
    const seen = new Set<string>();
    for (const rt of RESOURCE_TYPES) {
      const gp = `${rt.group}/${rt.plural}`;
      if (seen.has(gp)) continue;
      seen.add(gp);
      const res = await fetch(`${server.url}/apis/${rt.group}/${rt.versions[0]}/${rt.plural}`);
      assert.equal(res.status, 200, gp);
      const list = (await res.json()) as { items: { metadata: { namespace?: string; name: string; resourceVersion: string } }[] };
      for (const it of list.items) stored.set(`${gp}/${it.metadata.namespace ?? ''}/${it.metadata.name}`, BigInt(it.metadata.resourceVersion));
    }
    const unexpected = [...stored.keys()].filter((k) => !written.has(k));
    const missing = [...written.keys()].filter((k) => !stored.has(k));
    const wrongVersion = [...written].filter(([k, rv]) => stored.has(k) && stored.get(k) !== rv).map(([k, rv]) => `${k}: wrote ${rv}, stored ${stored.get(k)}`);
    assert.deepEqual({ unexpected, missing, wrongVersion }, { unexpected: [], missing: [], wrongVersion: [] });
  });
});
