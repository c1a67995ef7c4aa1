/**
 * The opaque `continue` token: base64url JSON of the snapshot resourceVersion the first page was
 * read at and the last (namespace, name) returned, so later pages resume by keyset over the same
 * snapshot. Clients must treat it as opaque; a malformed token is a 400.
 */
import { BadRequestError } from '@docket/model';

export interface ContinuePosition {
  /** Snapshot resourceVersion of the first page. */
  rv: number;
  /** Last key returned. */
  ns: string;
  name: string;
  /** Items returned before and including the last page (for remainingItemCount estimates); optional. */
  offset?: number;
}

export function encodeContinue(pos: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: pos.rv, ns: pos.ns, n: pos.name, o: pos.offset })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (raw['v'] === 1 && Number.isSafeInteger(raw['rv']) && typeof raw['ns'] === 'string' && typeof raw['n'] === 'string') {
      const offset = Number.isSafeInteger(raw['o']) ? (raw['o'] as number) : undefined;
      return { rv: raw['rv'] as number, ns: raw['ns'], name: raw['n'], offset };
    }
  } catch { /* fall through to the 400 below */ }
  throw new BadRequestError('continue key is not valid: malformed continue token');
}
