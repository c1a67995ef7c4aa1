/**
 * Writing responses: one object as JSON or YAML, big lists as a stream of serialised items,
 * and `Warning` headers in the RFC 7234 form kube uses (`299 - "text"`), which kubectl prints.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { Format } from './negotiate.ts';

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';

/** Sends one document in the negotiated format. */
export function sendDocument(reply: FastifyReply, code: number, body: unknown, format: Format = 'json'): FastifyReply {
  reply.code(code);
  if (format === 'yaml') return reply.type(YAML_TYPE).send(toYaml(body));
  return reply.type(JSON_TYPE).send(JSON.stringify(body));
}

/** Adds one `Warning: 299 - "..."` header per message (quotes and backslashes escaped). */
export function addWarnings(reply: FastifyReply, warnings: readonly string[] | undefined): void {
  if (!warnings || warnings.length === 0) return;
  const values = warnings.map((w) => `299 - "${w.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')}"`);
  reply.header('Warning', values);
}

/** The envelope of a list response, without its items. */
export interface ListHead {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  /** Extra top-level fields written before `items` (a Table's columnDefinitions). */
  extra?: Record<string, unknown>;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Serialises `{...head, items: [...]}` lazily: items are stringified one by one and flushed in
 * ~64 KiB chunks, so a big page never exists as one giant string and the first bytes leave early.
 */
export function* listChunks<T>(head: ListHead, items: readonly T[], itemJson: (item: T) => string, itemsKey = 'items'): Generator<string> {
  let buf = `{"apiVersion":${JSON.stringify(head.apiVersion)},"kind":${JSON.stringify(head.kind)},"metadata":${JSON.stringify(head.metadata)}`;
  for (const [k, v] of Object.entries(head.extra ?? {})) buf += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  buf += `,${JSON.stringify(itemsKey)}:[`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) buf += ',';
    buf += itemJson(items[i]!);
    if (buf.length >= CHUNK_BYTES) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}]}`;
}

/** The envelope of a list streamed in batches: its metadata is only known at the end. */
export interface StreamedListHead {
  apiVersion: string;
  kind: string;
  /** Extra top-level fields written before the items (a Table's columnDefinitions). */
  extra?: Record<string, unknown>;
  /** Called once every batch has been written. */
  metadata(): Record<string, unknown>;
}

/**
 * Serialises `{apiVersion, kind, ...extra, items: [...], metadata}` batch by batch in ~64 KiB
 * chunks. `metadata` comes last because `continue` and `remainingItemCount` are only known after
 * the last batch; JSON clients (client-go, kubectl, JSON.parse) do not depend on member order.
 */
export async function* batchedListChunks<T>(head: StreamedListHead, batches: AsyncIterable<T[]>, itemJson: (item: T) => string,
  itemsKey = 'items'): AsyncGenerator<string> {
  let buf = `{"apiVersion":${JSON.stringify(head.apiVersion)},"kind":${JSON.stringify(head.kind)}`;
  for (const [k, v] of Object.entries(head.extra ?? {})) buf += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  buf += `,${JSON.stringify(itemsKey)}:[`;
  let first = true;
  for await (const batch of batches) {
    for (const item of batch) {
      if (!first) buf += ',';
      first = false;
      buf += itemJson(item);
      if (buf.length >= CHUNK_BYTES) {
        yield buf;
        buf = '';
      }
    }
  }
  yield `${buf}],"metadata":${JSON.stringify(head.metadata())}}`;
}

/** Streams a JSON list read in batches (see `batchedListChunks`). */
export function sendBatchedList<T>(reply: FastifyReply, head: StreamedListHead, batches: AsyncIterable<T[]>,
  toItem: (item: T) => unknown, itemsKey = 'items'): FastifyReply {
  return sendBatchedListJson(reply, head, batches, (item) => JSON.stringify(toItem(item)), itemsKey);
}

/** `sendBatchedList` with items already serialised by `itemJson`. */
export function sendBatchedListJson<T>(reply: FastifyReply, head: StreamedListHead, batches: AsyncIterable<T[]>,
  itemJson: (item: T) => string, itemsKey = 'items'): FastifyReply {
  reply.code(200);
  const stream = Readable.from(batchedListChunks(head, batches, itemJson, itemsKey), { objectMode: false });
  return reply.type(JSON_TYPE).send(stream);
}

/** Sends a list as a stream (JSON) or, for YAML clients, as one document. */
export function sendList<T>(reply: FastifyReply, head: ListHead, items: readonly T[], toItem: (item: T) => unknown,
  format: Format = 'json', itemsKey = 'items'): FastifyReply {
  reply.code(200);
  if (format === 'yaml') {
    const doc = { apiVersion: head.apiVersion, kind: head.kind, metadata: head.metadata, ...head.extra, [itemsKey]: items.map(toItem) };
    return reply.type(YAML_TYPE).send(toYaml(doc));
  }
  const stream = Readable.from(listChunks(head, items, (item) => JSON.stringify(toItem(item)), itemsKey), { objectMode: false });
  return reply.type(JSON_TYPE).send(stream);
}
