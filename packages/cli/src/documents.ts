/**
 * Turning files into Kubernetes objects for `docket import`: multi-document YAML or JSON, NDJSON,
 * `List` kinds flattened, directories walked. Parsing is pure (`parseDocuments`); file walking is
 * a thin layer over node:fs.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One object to import, or a document that could not be parsed. */
export interface SourceDocument {
  /** `FILE#N` (N counts documents from 1 within the file) for messages. */
  origin: string;
  object?: Record<string, unknown>;
  /** Set when the document is not an object we can send. */
  error?: string;
}

const EXTENSIONS = ['.yaml', '.yml', '.json', '.ndjson'];

/** Lists the importable files under a path: the file itself, or every *.yaml/*.yml/*.json below a directory (sorted). */
export async function collectFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await collectFiles(p)));
    else if (EXTENSIONS.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** Reads and parses one file. */
export async function readDocuments(file: string): Promise<SourceDocument[]> {
  return parseDocuments(await readFile(file, 'utf8'), file);
}

/**
 * Parses a stream of documents: YAML (which includes JSON) separated by `---`, or one JSON object
 * per line. Empty documents are skipped; `*List` documents contribute their items.
 */
export function parseDocuments(text: string, name: string): SourceDocument[] {
  const raw = isNdjson(text) ? parseNdjson(text) : parseYamlStream(text);
  const out: SourceDocument[] = [];
  raw.forEach((d, i) => {
    const origin = `${name}#${i + 1}`;
    if ('error' in d) out.push({ origin, error: d.error });
    else if (d.value !== null && d.value !== undefined) out.push(...flattenList(d.value, origin));
  });
  return out;
}

type Parsed = { value: unknown } | { error: string };

function parseYamlStream(text: string): Parsed[] {
  return parseAllDocuments(text, { prettyErrors: false }).map((doc): Parsed => {
    if (doc.errors.length > 0) return { error: `cannot parse: ${doc.errors[0]!.message.split('\n')[0]}` };
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  });
}

/** NDJSON: more than one line, and every non-empty line is a complete JSON object. */
function isNdjson(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{') && l.trimEnd().endsWith('}') && isJson(l));
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function parseNdjson(text: string): Parsed[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => ({ value: JSON.parse(l) as unknown }));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `List` (or `FooList`) yields its items; typed-list items without apiVersion/kind inherit them. */
function flattenList(value: unknown, origin: string): SourceDocument[] {
  if (!isRecord(value)) return [{ origin, error: 'not an object' }];
  const kind = typeof value.kind === 'string' ? value.kind : '';
  if (!kind.endsWith('List') || !Array.isArray(value.items)) return [{ origin, object: value }];
  const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
  return value.items.flatMap((item, j): SourceDocument[] => {
    const itemOrigin = `${origin}.items[${j}]`;
    if (!isRecord(item)) return [{ origin: itemOrigin, error: 'list item is not an object' }];
    const filled = { ...item };
    if (filled.apiVersion === undefined && value.apiVersion !== undefined && itemKind) filled.apiVersion = value.apiVersion;
    if (filled.kind === undefined && itemKind) filled.kind = itemKind;
    return flattenList(filled, itemOrigin);
  });
}
