import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Timestamp } from '@docket/model';
import type { Producer, ProducerDeps, SourceHooks } from '../types.ts';
import { isSkip } from '../types.ts';
import { connectionTarget, defaultProtoDir, loadProtos, serviceClient } from '../shared/grpc.ts';
import { runReconnecting } from '../shared/reconnect.ts';
import { compareTimestamps, timestampOf, toTimestamp } from '../shared/time.ts';
import { isRecord, rec, str } from '../shared/values.ts';
import type { HubbleConfig } from './config.ts';
import { toHubbleResult } from './map.ts';

/** Fields the mapper reads; the relay drops the rest before sending (`field_mask`). */
export const HUBBLE_FIELD_MASK = [
  'time', 'uuid', 'verdict', 'drop_reason_desc', 'traffic_direction', 'IP', 'l4', 'source', 'destination',
  'source_names', 'destination_names', 'node_name', 'egress_denied_by', 'ingress_denied_by',
] as const;

/** How many recent flow ids are remembered to drop the replayed overlap after a reconnect. */
const SEEN_CAPACITY = 50_000;

/** The GetFlows request: follow, one whitelist filter (AND of its fields), field mask, resume time. */
export function hubbleRequest(config: HubbleConfig, since?: Timestamp): Record<string, unknown> {
  const filter: Record<string, unknown> = { verdict: config.verdicts, traffic_direction: config.directions };
  if (config.dropReasons.length > 0) filter.drop_reason_desc = config.dropReasons;
  const request: Record<string, unknown> = { follow: true, whitelist: [filter] };
  if (config.fieldMask) request.field_mask = { paths: [...HUBBLE_FIELD_MASK] };
  if (since) request.since = { seconds: String(since.seconds), nanos: since.nanos };
  return request;
}

/** Identity of a flow for duplicate detection: its uuid, else time plus endpoints. */
function flowIdentity(flow: Record<string, unknown>): string {
  const uuid = str(flow.uuid);
  if (uuid) return uuid;
  const ip = rec(flow.IP);
  return `${JSON.stringify(flow.time)}|${str(ip?.source)}|${str(ip?.destination)}|${JSON.stringify(flow.l4)}`;
}

/**
 * A Hubble Relay (or agent) client: streams dropped flows with GetFlows in follow mode, and on
 * every stream end reconnects with backoff and resumes `since` the last flow seen (minus a small
 * overlap), skipping flows it already delivered.
 */
export function createHubbleSource(config: HubbleConfig, deps: ProducerDeps, protoDir = defaultProtoDir()): Producer {
  return {
    type: 'hubble',
    async run(hooks: SourceHooks, signal: AbortSignal): Promise<void> {
      const root = loadProtos(['observer.proto'], [join(protoDir, 'hubble')]);
      const Observer = serviceClient(root, 'observer.Observer');
      const { target, credentials, options } = connectionTarget(config);
      const client = new Observer(target, credentials, options) as unknown as grpc.Client & {
        GetFlows(req: unknown): grpc.ClientReadableStream<unknown>;
      };
      // Two generations instead of evicting the oldest Map entry one by one: V8 Maps get slow
      // when the front is deleted repeatedly (keys().next() walks the deleted slots).
      let seen = new Set<string>();
      let seenBefore = new Set<string>();
      let last: Timestamp | undefined;
      const resumeFrom = (): Timestamp | undefined => {
        if (!last) return undefined;
        const overlapNs = config.resumeOverlapMs * 1_000_000;
        return toTimestamp(last.seconds, last.nanos - overlapNs) ?? { seconds: 0, nanos: 0 };
      };
      const onFlow = (flow: unknown) => {
        if (isRecord(flow)) {
          const id = flowIdentity(flow);
          if (seen.has(id) || seenBefore.has(id)) return hooks.onSkip?.({ skip: 'duplicate flow after resume' });
          seen.add(id);
          if (seen.size >= SEEN_CAPACITY / 2) { seenBefore = seen; seen = new Set(); }
          const t = timestampOf(flow.time);
          if (t && (!last || compareTimestamps(t, last) > 0)) last = t;
        }
        const out = toHubbleResult(flow, config);
        if (isSkip(out)) hooks.onSkip?.(out);
        else hooks.onResult(out);
      };
      try {
        await runReconnecting({
          name: 'hubble', backoff: config.backoff, hooks, deps, signal,
          open: () => client.GetFlows(hubbleRequest(config, resumeFrom())),
          onMessage: (message) => {
            const m = rec(message);
            if (!m) return hooks.onSkip?.({ skip: 'malformed: response is not an object', malformed: true });
            if (m.flow) return onFlow(m.flow);
            const lost = rec(m.lost_events);
            if (lost) return hooks.onLost?.(Number(lost.num_events_lost ?? 0), str(lost.source) || 'UNKNOWN_LOST_EVENT_SOURCE');
            const status = rec(m.node_status);
            if (status) deps.logger.info({ producer: 'hubble', state: str(status.state_change), nodes: status.node_names, message: str(status.message) }, 'relay node status');
          },
        });
      } finally {
        client.close();
      }
    },
  };
}
