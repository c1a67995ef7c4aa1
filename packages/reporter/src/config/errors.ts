import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';

/** One problem in a config file: where (dotted path, and file position when known) and what. */
export interface ConfigProblem {
  /** Path in the file, e.g. `target.slack.channels[1].filter.namespaces`. Empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line and column of the offending key or value, when the source text is known. */
  line?: number;
  column?: number;
}

/**
 * Every problem found in a config, reported together. `message` lists each one on its own line as
 * `file:line:col path: message`, so a user fixes all of them in one pass.
 */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly problems: readonly ConfigProblem[];
  readonly file: string | undefined;
  constructor(problems: readonly ConfigProblem[], file?: string) {
    const where = file ?? 'config';
    const lines = problems.map((p) => `  ${formatProblem(p, file)}`);
    super(`invalid ${where} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
  }
}

/** `file:line:col path: message` (parts that are unknown are left out). */
export function formatProblem(p: ConfigProblem, file?: string): string {
  const pos = p.line !== undefined ? `${file ? `${file}:` : ''}${p.line}:${p.column ?? 1} ` : file ? `${file}: ` : '';
  return `${pos}${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export type PathSegment = string | number;

/** Renders a path as users write it: `a.b[2].c`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/**
 * Turns zod issues into problems under `prefix`. An unrecognized key becomes one problem per key,
 * at the path of the map that holds it, with `key` set (so its position is the key's).
 */
export function zodProblems(error: z.ZodError, prefix: readonly PathSegment[] = [], mapPath: (p: PathSegment[]) => PathSegment[] = (p) => p): Array<{ path: PathSegment[]; message: string; key?: string }> {
  const out: Array<{ path: PathSegment[]; message: string; key?: string }> = [];
  const clean = (p: readonly PropertyKey[]) => p.filter((s): s is PathSegment => typeof s !== 'symbol');
  for (const issue of error.issues) {
    const rel = clean(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const mapped = mapPath([...rel, key]);
        out.push({ path: [...prefix, ...mapped.slice(0, -1)], message: `Unrecognized key "${key}"`, key });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest, not "Invalid input": its message says what is wrong.
      const best = [...issue.errors].sort((a, b) => b.length - a.length)[0]!;
      const first = best[0];
      out.push({ path: [...prefix, ...mapPath([...rel, ...clean(first?.path ?? [])])], message: first?.message ?? issue.message });
    } else {
      out.push({ path: [...prefix, ...mapPath(rel)], message: issue.message });
    }
  }
  return out;
}

/** Finds file positions for config paths in a parsed YAML document. */
export interface PositionFinder {
  /** Position of the value at `path` (of its key when `key`), or of the nearest existing parent. */
  find(path: readonly PathSegment[], key?: boolean): { line: number; column: number } | undefined;
}

/** A finder over a parsed document; `lineCounter` must be the one passed to `parseDocument`. */
export function createPositionFinder(doc: Document, lineCounter: LineCounter): PositionFinder {
  return {
    find(path, key = false) {
      let node: unknown = doc.contents;
      let best: unknown = node;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i]!;
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          node = last && key ? pair.key : pair.value ?? pair.key;
        } else if (isSeq(node) && typeof seg === 'number') {
          node = node.items[seg];
          if (node === undefined) break;
        } else {
          break;
        }
        best = node;
      }
      const range = (best as Node | undefined)?.range;
      if (!range) return undefined;
      const pos = lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    },
  };
}
