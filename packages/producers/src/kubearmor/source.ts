import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Producer, ProducerDeps, SourceHooks } from '../types.ts';
import { isSkip } from '../types.ts';
import { connectionTarget, defaultProtoDir, loadProtos, serviceClient } from '../shared/grpc.ts';
import { runReconnecting } from '../shared/reconnect.ts';
import type { KubearmorConfig } from './config.ts';
import { toKubearmorResult } from './map.ts';

/**
 * A KubeArmor client: opens only WatchAlerts (not the three streams kubearmor-client opens),
 * plaintext or TLS with optional client certificates, and reconnects with backoff on every
 * stream end. KubeArmor keeps no alert history, so there is nothing to resume from: alerts raised
 * while disconnected are lost (logged as a reconnect).
 */
export function createKubearmorSource(config: KubearmorConfig, deps: ProducerDeps, protoDir = defaultProtoDir()): Producer {
  return {
    type: 'kubearmor',
    async run(hooks: SourceHooks, signal: AbortSignal): Promise<void> {
      const root = loadProtos(['kubearmor.proto'], [join(protoDir, 'kubearmor')]);
      const LogService = serviceClient(root, 'feeder.LogService');
      const { target, credentials, options } = connectionTarget(config);
      const client = new LogService(target, credentials, options) as unknown as grpc.Client & {
        WatchAlerts(req: unknown): grpc.ClientReadableStream<unknown>;
      };
      try {
        await runReconnecting({
          name: 'kubearmor', backoff: config.backoff, hooks, deps, signal,
          open: () => client.WatchAlerts({ Filter: config.filter }),
          onMessage: (alert) => {
            const out = toKubearmorResult(alert, config);
            if (isSkip(out)) hooks.onSkip?.(out);
            else hooks.onResult(out);
          },
        });
      } finally {
        client.close();
      }
    },
  };
}
