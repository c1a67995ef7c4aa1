import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { MapOutcome, SourceHooks } from '../types.ts';
import { isSkip } from '../types.ts';
import type { FalcoMapConfig } from './config.ts';
import { toFalcoResult } from './map.ts';

/**
 * Handles one decoded request body: Falco's http_output posts one event per request,
 * falcosidekick's webhook the same payload; an array of events is accepted too. Framework-free
 * so any HTTP server can call it. Never throws: bad events come back as malformed skips.
 */
export function handleFalcoBody(body: unknown, config: FalcoMapConfig): MapOutcome[] {
  const events = Array.isArray(body) ? body : [body];
  return events.map((e) => toFalcoResult(e, config));
}

function deliver(outcomes: readonly MapOutcome[], hooks: SourceHooks): void {
  for (const o of outcomes) {
    if (isSkip(o)) hooks.onSkip?.(o);
    else hooks.onResult(o);
  }
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: status < 300 ? 'ok' : 'error', message }));
}

/**
 * A node:http request listener for the Falco endpoint: POST JSON to `path` → 200 with the number
 * of accepted results; 400 for bodies that are not JSON, 413 when too large, 404/405 otherwise.
 * `GET /healthz` answers 200 for probes.
 */
export function createFalcoListener(config: FalcoMapConfig & { path: string; maxBodyBytes: number }, hooks: SourceHooks, token?: string): RequestListener {
  // Compare digests so the check takes the same time whatever the header holds.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/healthz') return reply(res, 200, 'healthy');
    if (url !== config.path) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'use POST');
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      hooks.onSkip?.({ skip: 'unauthorized request' });
      return reply(res, 401, 'missing or wrong bearer token');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > config.maxBodyBytes && !aborted) {
        // Answer at once and close the connection; destroying the request here would reset the
        // shared socket before the 413 reaches the client.
        aborted = true;
        chunks.length = 0;
        res.setHeader('connection', 'close');
        reply(res, 413, `body larger than ${config.maxBodyBytes} bytes`);
      } else if (!aborted) chunks.push(chunk);
    });
    req.on('end', () => {
      if (aborted) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        hooks.onSkip?.({ skip: 'malformed: body is not JSON', malformed: true });
        return reply(res, 400, 'body is not JSON (enable json_output in Falco)');
      }
      const outcomes = handleFalcoBody(body, config);
      deliver(outcomes, hooks);
      reply(res, 200, `${outcomes.filter((o) => !isSkip(o)).length} accepted`);
    });
  };
}
