/**
 * The one entry point for every write body the API server receives (create, update, patch
 * results, apply): checks apiVersion/kind against the URL, validates against the version's
 * schema plus the apiserver's metadata rules, applies `fieldValidation` to unknown fields and
 * converts to the hub shape.
 */
import { BadRequestError, InvalidError, type FieldCause } from '../errors.ts';
import type { ResourceType } from '../resources.ts';
import { REPORT_SCHEMAS, wireShapeOf } from '../schemas/report.ts';
import { fromVersion } from '../conversion.ts';
import type { ReportObject } from '../types.ts';
import { classifyIssues, prune } from './issues.ts';
import { crossFieldCauses } from './cross-field.ts';
import { invalidMessage } from './invalid-message.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeTarget {
  resource: ResourceType;
  /** The version in the request URL. */
  version: string;
}

export interface DecodeOptions {
  fieldValidation: FieldValidation;
}

export interface DecodeResult {
  /** Hub shape, `apiVersion` = group/storageVersion, unknown fields removed. */
  object: ReportObject;
  /** Warnings for the `Warning` response header (e.g. `unknown field "spec.foo"`). */
  warnings: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bounded so a pathological body cannot loop; each round removes at least one field. */
const MAX_PRUNE_ROUNDS = 8;

/**
 * Decodes and validates a write body for `target`.
 * @throws BadRequestError when the body is not an object, apiVersion/kind do not match the
 *   URL, or (Strict) it has unknown fields (`strict decoding error: unknown field "x"`).
 * @throws InvalidError with every problem as a `FieldCause`.
 */
export function decodeReport(body: unknown, target: DecodeTarget, opts: DecodeOptions): DecodeResult {
  const { resource, version } = target;
  if (!isPlainObject(body)) {
    throw new BadRequestError('the request body must be a JSON object', { group: resource.group, kind: resource.plural });
  }
  const expected = `${resource.group}/${version}`;
  if (body.apiVersion !== expected || body.kind !== resource.kind) {
    throw new BadRequestError(
      `apiVersion ${JSON.stringify(body.apiVersion ?? '')} and kind ${JSON.stringify(body.kind ?? '')} in the body ` +
        `do not match the request for apiVersion "${expected}" and kind "${resource.kind}"`,
      { group: resource.group, kind: resource.plural },
    );
  }
  const schema = REPORT_SCHEMAS[wireShapeOf(resource.group, version)];
  const warnings: string[] = [];
  let input: Record<string, unknown> = withoutNullCreationTimestamp(body);
  let parsed = schema.safeParse(input);
  let causes: FieldCause[] = [];
  if (!parsed.success) {
    const unknown: string[] = [];
    let cloned = false;
    for (let round = 0; round < MAX_PRUNE_ROUNDS && !parsed.success; round++) {
      const report = classifyIssues(parsed.error.issues, input);
      causes = report.causes;
      if (report.unknown.length === 0 && report.nulls.length === 0) break;
      // Only the slow path copies: the caller's body is never modified.
      if (!cloned) { input = structuredClone(input); cloned = true; }
      unknown.push(...prune(input, report));
      parsed = schema.safeParse(input);
      if (parsed.success) causes = [];
    }
    if (unknown.length > 0) {
      if (opts.fieldValidation === 'Strict') {
        throw new BadRequestError(
          `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
          { group: resource.group, kind: resource.plural, name: nameOf(body) },
        );
      }
      if (opts.fieldValidation === 'Warn') warnings.push(...unknown.map((f) => `unknown field "${f}"`));
    }
  }
  causes = causes.concat(crossFieldCauses(input));
  if (!parsed.success || causes.length > 0) {
    const name = nameOf(body);
    throw new InvalidError(invalidMessage(resource, name, causes), { group: resource.group, kind: resource.kind, name }, causes);
  }
  const wire = parsed.data as Record<string, unknown>;
  const meta = wire.metadata as Record<string, unknown> | undefined;
  // selfLink is no longer set by Kubernetes; never store what a client sends.
  if (meta?.selfLink !== undefined) delete meta.selfLink;
  return { object: fromVersion(wire, resource.group, version, resource.storageVersion, warnings), warnings };
}

/**
 * `kubectl create --dry-run -o yaml` output carries `creationTimestamp: null`; dropping it up
 * front keeps such bodies on the fast path (one parse, no clone) instead of the pruning path.
 */
function withoutNullCreationTimestamp(body: Record<string, unknown>): Record<string, unknown> {
  const meta = body.metadata;
  if (!isPlainObject(meta) || meta.creationTimestamp !== null) return body;
  const { creationTimestamp: _dropped, ...rest } = meta;
  return { ...body, metadata: rest };
}

function nameOf(body: Record<string, unknown>): string | undefined {
  const meta = body.metadata;
  if (!isPlainObject(meta)) return undefined;
  return typeof meta.name === 'string' ? meta.name : undefined;
}
