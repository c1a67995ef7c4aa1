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
}

export function encodeContinue(pos: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: pos.rv, ns: pos.ns, n: pos.name })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (raw['v'] === 1 && Number.isSafeInteger(raw['rv']) && typeof raw['ns'] === 'string' && typeof raw['n'] === 'string') {
      return { rv: raw['rv'] as number, ns: raw['ns'], name: raw['n'] };
    }
  } catch { /* fall through to the 400 below */ }
  throw new BadRequestError('continue key is not valid: malformed continue token');
}
