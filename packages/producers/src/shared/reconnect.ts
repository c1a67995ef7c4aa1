import type * as grpc from '@grpc/grpc-js';
import type { BackoffConfig } from './backoff.ts';
import { abortableSleep, backoffDelay } from './backoff.ts';
import type { ProducerDeps, SourceHooks } from '../types.ts';

export interface ReconnectOptions {
  /** Starts one server-streaming call (with resume parameters computed at call time). */
  open: () => grpc.ClientReadableStream<unknown>;
  /** Handles one message; exceptions are caught and logged per message. */
  onMessage: (message: unknown) => void;
  backoff: BackoffConfig;
  hooks: SourceHooks;
  deps: ProducerDeps;
  signal: AbortSignal;
  /** For logs: `hubble`, `kubearmor`. */
  name: string;
  /** A call that stayed up this long counts as healthy: the next failure starts the backoff over. */
  healthyAfterMs?: number;
}

/**
 * Keeps a server stream open until `signal` aborts: every end of the call — EOF, CANCELLED by
 * the server, UNAVAILABLE, any error — leads to a reconnect after an exponential backoff with
 * jitter (the publisher stopped silently on EOF and its KubeArmor library swallowed errors).
 */
export async function runReconnecting(o: ReconnectOptions): Promise<void> {
  const sleep = o.deps.sleep ?? abortableSleep;
  const random = o.deps.random ?? Math.random;
  const healthyAfter = o.healthyAfterMs ?? 10_000;
  let attempt = 0;
  while (!o.signal.aborted) {
    o.hooks.onState?.('connecting');
    const started = o.deps.now();
    const { received, error } = await oneCall(o);
    if (o.signal.aborted) break;
    if (received > 0 || o.deps.now() - started >= healthyAfter) attempt = 0;
    const delay = backoffDelay(o.backoff, attempt++, random);
    const detail = error ? `${error.code ?? ''} ${error.details ?? error.message}`.trim() : 'stream ended';
    o.deps.logger.warn({ producer: o.name, delayMs: delay, received, reason: detail }, 'stream closed, reconnecting');
    o.hooks.onState?.('backoff', detail);
    await sleep(delay, o.signal);
  }
  o.hooks.onState?.('stopped');
}

function oneCall(o: ReconnectOptions): Promise<{ received: number; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    let received = 0;
    let done = false;
    const call = o.open();
    const finish = (error?: grpc.ServiceError) => {
      if (done) return;
      done = true;
      o.signal.removeEventListener('abort', onAbort);
      resolve({ received, error });
    };
    const onAbort = () => call.cancel();
    o.signal.addEventListener('abort', onAbort, { once: true });
    call.on('metadata', () => o.hooks.onState?.('streaming'));
    call.on('data', (message: unknown) => {
      if (received++ === 0) o.hooks.onState?.('streaming');
      try {
        o.onMessage(message);
      } catch (err) {
        o.deps.logger.error({ producer: o.name, err }, 'failed to handle a stream message');
      }
    });
    call.on('error', (err: grpc.ServiceError) => finish(err));
    call.on('end', () => finish());
  });
}
