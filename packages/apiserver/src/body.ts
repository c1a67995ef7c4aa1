/**
 * Request-body decoding. Fastify hands us raw bytes (its body limit already turned an oversized
 * body into 413 while streaming); here we parse JSON or YAML by Content-Type and turn parser
 * failures into 400 Status messages that say where the problem is.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BadRequestError, UnsupportedMediaTypeError } from '@docket/model';
import { mediaTypeOf } from './negotiate.ts';
import { jsonErrorOffset, lineColumn } from './json-error.ts';

export type PatchType = 'merge' | 'json' | 'apply';

const OBJECT_TYPES = new Set(['', 'application/json', 'application/yaml', 'application/x-yaml', 'text/yaml']);

/** Parses the body of a create/update request (JSON or YAML) into a JSON object. */
export function parseObjectBody(raw: unknown, contentType: string | undefined): Record<string, unknown> {
  const type = mediaTypeOf(contentType);
  if (!OBJECT_TYPES.has(type)) {
    throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  const value = type === '' || type === 'application/json' ? parseJson(toText(raw)) : parseYamlText(toText(raw));
  return requireObject(value);
}

/** Maps a PATCH Content-Type to its patch type; strategic merge is refused as kube does for custom resources. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  switch (mediaTypeOf(contentType)) {
    case 'application/merge-patch+json': return 'merge';
    case 'application/json-patch+json': return 'json';
    case 'application/apply-patch+yaml': return 'apply';
    case 'application/strategic-merge-patch+json':
      throw new UnsupportedMediaTypeError('strategic merge patch is not supported for custom resources; use application/merge-patch+json or server-side apply');
    default:
      throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
}

/** Parses a PATCH body: JSON for the JSON/merge patch types, YAML (a superset of JSON) for apply. */
export function parsePatchBody(raw: unknown, type: PatchType): unknown {
  const text = toText(raw);
  if (text.trim() === '') throw new BadRequestError('the patch body is empty');
  if (type === 'apply') return requireObject(parseYamlText(text));
  const value = parseJson(text);
  if (type === 'json' && !Array.isArray(value)) throw new BadRequestError('a JSON patch must be an array of operations');
  if (type === 'merge') return requireObject(value);
  return value;
}

/** Parses an optional DeleteOptions body; an empty body means defaults. */
export function parseOptionalBody(raw: unknown, contentType: string | undefined): Record<string, unknown> | undefined {
  const text = toText(raw);
  if (text.trim() === '') return undefined;
  return parseObjectBody(text, contentType);
}

/**
 * Report objects nest less than ten levels deep. Refusing absurd depths here keeps recursive
 * validators and cloners downstream from overflowing the stack (kube caps decoding depth too).
 */
export const MAX_BODY_DEPTH = 100;

function checkDepth(value: unknown): void {
  if (tooDeep(value, 1)) throw new BadRequestError(`the request body nests deeper than ${MAX_BODY_DEPTH} levels`);
}

/**
 * Recursive but bounded: it never descends past MAX_BODY_DEPTH + 1 frames, so absurd inputs fail
 * here instead of overflowing the stack; and it allocates nothing (every write body walks it).
 */
function tooDeep(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (depth > MAX_BODY_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (tooDeep(v[i], depth + 1)) return true;
    return false;
  }
  for (const k in v) if (tooDeep((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

function toText(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (typeof raw === 'string') return raw;
  // Already parsed (e.g. a caller passing an object through inject with a custom parser).
  return JSON.stringify(raw);
}

function requireObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('the request body must be an object');
  }
  return value as Record<string, unknown>;
}

/** JSON.parse with the failure position turned into line and column. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new BadRequestError('the request body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : jsonErrorOffset(text);
    throw new BadRequestError(`the request body is not valid JSON (${lineColumn(text, pos)}): ${msg}`);
  }
  checkDepth(value);
  return value;
}

function parseYamlText(text: string): unknown {
  if (text.trim() === '') throw new BadRequestError('the request body is empty');
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      const where = at ? ` (line ${at.line}, column ${at.col})` : '';
      throw new BadRequestError(`the request body is not valid YAML${where}: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
  checkDepth(value);
  return value;
}
