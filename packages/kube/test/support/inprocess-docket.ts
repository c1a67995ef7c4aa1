/**
 * Docket's real API server and store in this process, for tests that must reach into the store
 * (compaction for the 410 path). Everything else uses the `docket serve` child (test/support/docket.ts).
 */
import type { AddressInfo } from 'node:net';
import { buildApiServer } from '@docket/apiserver';
import { openStore, type ReportStore } from '@docket/store';

export interface InProcessDocket {
  url: string;
  store: ReportStore;
  close(): Promise<void>;
}

export async function startInProcessDocket(historyRetentionMs: number): Promise<InProcessDocket> {
  const store = await openStore('sqlite::memory:', { historyRetentionMs });
  const app = buildApiServer({ store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      await store.close();
    },
  };
}
