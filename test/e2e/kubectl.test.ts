// Conformance with the real kubectl (/usr/bin/kubectl) against `docket serve` on both engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl, type Kubectl } from '../support/kubectl.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';
import { defineKubectlConformance } from './kubectl-scenarios.ts';

describe('kubectl conformance (SQLite)', () => {
  let dir: string;
  let server: DocketServer;
  let kubectl: Kubectl;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-e2e-'));
    server = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'docket.db')}`, '--log-level', 'warn']);
    kubectl = createKubectl(server.url);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  defineKubectlConformance({ kubectl: () => kubectl });
});

describe('kubectl conformance (PostgreSQL)', () => {
  let db: TestDatabase;
  let server: DocketServer;
  let kubectl: Kubectl;
  before(async () => {
    db = await createTestDatabase('docket_e2e_kubectl');
    server = await startDocket(['--listen', '127.0.0.1:0', '--store', db.url, '--log-level', 'warn']);
    kubectl = createKubectl(server.url);
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });
  defineKubectlConformance({ kubectl: () => kubectl });
});
