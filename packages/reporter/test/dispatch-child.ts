/**
 * Child process of dispatch-restart.test.ts: runs a dispatcher on the outbox at argv[2] against the
 * batch receiver at argv[3] until it is killed. Prints "ready" once started.
 */
import { openDeliveryStore } from '@docket/store';
import { createDispatcher } from '@docket/reporter';
import { batchTarget } from './dispatch-support.ts';

const [storeUrl, receiverUrl] = process.argv.slice(2);
const store = await openDeliveryStore(storeUrl!);
const dispatcher = createDispatcher({
  store,
  targets: new Map([['bulk', batchTarget(receiverUrl!, 2)]]),
  concurrency: 2,
  sendTimeoutMs: 1500,
  leaseMs: 2000,
  pollIntervalMs: 100,
  owner: 'child',
});
dispatcher.start();
process.stdout.write('ready\n');
