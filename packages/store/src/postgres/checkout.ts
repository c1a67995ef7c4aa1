/**
 * Checking a connection out of a `pg` pool safely. A checked-out client has no `'error'`
 * listener of the pool's, so a backend killed meanwhile (failover, `pg_terminate_backend`) would
 * emit an unhandled `'error'` and crash the process. The listener is attached in the same tick the
 * pool hands the client over (the FATAL can arrive in the same socket read as the start-up
 * answer), and a client that failed is destroyed instead of going back to the pool.
 */
import type pg from 'pg';

export interface Checkout {
  client: pg.PoolClient;
  /** Returns the client; with a failure (or after an `'error'` event) it is destroyed instead. */
  done(failure?: Error | boolean): void;
}

export function checkout(pool: pg.Pool): Promise<Checkout> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client) => {
      if (err || !client) { reject(err ?? new Error('the PostgreSQL pool handed out no client')); return; }
      let broken: Error | undefined;
      const onError = (e: Error): void => { broken = e; };
      client.on('error', onError);
      resolve({
        client,
        done: (failure) => {
          client.off('error', onError);
          client.release(broken ?? (failure === false ? undefined : failure));
        },
      });
    });
  });
}
