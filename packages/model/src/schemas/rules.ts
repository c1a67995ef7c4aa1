/**
 * Glue between Kubernetes-style validation and zod: a check returns "problems" (reason, detail,
 * offending value, optional sub-path) and `kubeRule` reports them as zod custom issues whose
 * params carry the Kubernetes cause reason. `decode/issues.ts` turns them into `FieldCause`s.
 */
import type { z } from 'zod';

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooLong'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate';

export interface Problem {
  reason: CauseReason;
  detail: string;
  /** The offending value, shown in `Invalid value: <value>: ...` messages. */
  value?: unknown;
  /** Path below the checked value, e.g. `['name']` or a map key. */
  path?: (string | number)[];
}

/** Params stored on a zod custom issue produced by `kubeRule`. */
export interface ProblemParams {
  reason: CauseReason;
  value?: unknown;
}

/** Wraps a check so zod reports each problem with its Kubernetes reason. */
export function kubeRule<T>(check: (value: T) => Problem | Problem[] | undefined) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    const found = check(value);
    if (!found) return;
    for (const p of Array.isArray(found) ? found : [found]) {
      const params: ProblemParams = { reason: p.reason, value: p.value };
      ctx.addIssue({ code: 'custom', message: p.detail, path: p.path ?? [], params, input: value });
    }
  };
}

/** Renders a value the way Kubernetes prints it after `Invalid value:`. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return 'null';
  return Array.isArray(value) ? '"array"' : '"object"';
}

/** Builds a cause message in the apiserver's wording for a reason. */
export function causeMessage(reason: CauseReason, detail: string, value?: unknown): string {
  switch (reason) {
    case 'FieldValueRequired': return detail ? `Required value: ${detail}` : 'Required value';
    case 'FieldValueForbidden': return `Forbidden: ${detail}`;
    case 'FieldValueTooLong': return `Too long: ${detail}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${renderValue(value)}`;
    case 'FieldValueNotSupported': return `Unsupported value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`;
    default: return `Invalid value: ${renderValue(value)}: ${detail}`;
  }
}
