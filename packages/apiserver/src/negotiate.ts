/**
 * Content negotiation the way kube-apiserver does it: walk the Accept list in order and take the
 * first media type we can produce. `as=Table` / `as=PartialObjectMetadata[List]` (group
 * meta.k8s.io, version v1) select a different representation of the same data; protobuf and
 * unknown types are skipped; when nothing fits we fall back to JSON rather than answer 406,
 * because every client we serve understands JSON.
 */

export type Format = 'json' | 'yaml';

/** includeObject for Table rows (kube default: Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export type Representation =
  | { kind: 'object'; format: Format }
  | { kind: 'table' }
  | { kind: 'metadata' }
  | { kind: 'metadata-list' };

/** What the request addresses: one object, a collection read, a watch, or a write answering one object. */
export type Target = 'object' | 'list' | 'watch' | 'write';

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Parses an Accept (or Content-Type) header into media ranges, keeping their order. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...rawParams] = part.split(';');
    const t = type?.trim().toLowerCase();
    if (!t) continue;
    const params: Record<string, string> = {};
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    out.push({ type: t, params });
  }
  return out;
}

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*', '*']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

function plainFormat(type: string): Format | undefined {
  if (JSON_TYPES.has(type)) return 'json';
  if (YAML_TYPES.has(type)) return 'yaml';
  return undefined;
}

function fromRange(r: MediaRange, target: Target): Representation | undefined {
  const as = r.params['as'];
  if (as === undefined) {
    const format = plainFormat(r.type);
    return format ? { kind: 'object', format } : undefined;
  }
  // Alternative representations exist only as JSON of meta.k8s.io/v1 objects.
  if (r.type !== 'application/json' || r.params['g'] !== 'meta.k8s.io' || r.params['v'] !== 'v1') return undefined;
  if (as === 'Table' && target !== 'write') return { kind: 'table' };
  if (as === 'PartialObjectMetadata' && (target === 'object' || target === 'watch')) return { kind: 'metadata' };
  if (as === 'PartialObjectMetadataList' && target === 'list') return { kind: 'metadata-list' };
  // Metadata watches send events of PartialObjectMetadata whichever of the two the client names.
  if (as === 'PartialObjectMetadataList' && target === 'watch') return { kind: 'metadata' };
  return undefined;
}

/** Picks the representation of a response from the Accept header. */
export function negotiate(accept: string | undefined, target: Target): Representation {
  for (const r of parseAccept(accept)) {
    const rep = fromRange(r, target);
    if (rep) return rep;
  }
  return { kind: 'object', format: 'json' };
}

/** The media type (without parameters) of a Content-Type header, lower-cased. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
