export * from './types.ts';
export { openDeliveryStore } from './open.ts';
export { createSqliteDeliveryStore } from './sqlite.ts';
export type { SqliteDeliveryOptions } from './sqlite.ts';
export { createPostgresDeliveryStore } from './postgres.ts';
export type { PostgresDeliveryOptions } from './postgres.ts';
