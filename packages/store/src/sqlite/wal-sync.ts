/**
 * Durability off the event loop. With `synchronous = FULL`, SQLite fsyncs the WAL inside COMMIT and
 * the whole process waits (about a third of a write's wall time on this machine's disk). Instead the
 * connection runs with `synchronous = NORMAL` (COMMIT writes the WAL frames to the OS, checkpoints
 * still fsync) and the store fsyncs the WAL itself on libuv's thread pool before it acknowledges a
 * batch. Acknowledged writes are exactly as durable as with FULL; the event loop keeps parsing and
 * validating the next requests, and the next batch may commit, while the disk works.
 *
 * One fsync is in flight at a time: batches committed meanwhile wait for the next one, which covers
 * them all (fsync flushes the whole file), and completions run in commit order.
 */
import { closeSync, fstatSync, fsync, openSync, statSync } from 'node:fs';

/** Flushes everything written so far to stable storage; calls back with an error if it could not. */
export type DurableSync = (done: (error?: Error) => void) => void;

/**
 * fsync of `<db>-wal`. The descriptor is (re)opened when the file appears or is replaced (SQLite
 * deletes the WAL when the last connection closes; another process may recreate it).
 */
export function createWalSync(dbPath: string): DurableSync & { close(): void } {
  const walPath = `${dbPath}-wal`;
  let fd: number | undefined;
  let ino: number | undefined;

  function descriptor(): number {
    const st = statSync(walPath);
    if (fd !== undefined && ino === st.ino) return fd;
    if (fd !== undefined) closeSync(fd);
    fd = openSync(walPath, 'r');
    ino = fstatSync(fd).ino;
    return fd;
  }

  const sync = ((done) => {
    let d: number;
    try {
      d = descriptor();
    } catch (e) {
      done(e as Error);
      return;
    }
    fsync(d, (err) => done(err ?? undefined));
  }) as DurableSync & { close(): void };
  sync.close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return sync;
}

/** Serialises completions behind at most one fsync in flight. */
export function createSyncPipeline(sync: DurableSync) {
  let waiting: ((error?: Error) => void)[] = [];
  let inFlight = false;

  function start(): void {
    inFlight = true;
    const group = waiting;
    waiting = [];
    sync((error) => {
      inFlight = false;
      for (const done of group) done(error);
      if (waiting.length > 0) start();
    });
  }

  return {
    /** Runs `done` once everything committed before this call is durable. */
    after(done: (error?: Error) => void): void {
      waiting.push(done);
      if (!inFlight) start();
    },
  };
}
