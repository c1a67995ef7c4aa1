export * from './types.ts';
export { openStore, registerStoreEngine, storeScheme } from './open.ts';
export type { StoreOpener } from './open.ts';
export { createSqliteStore } from './sqlite/store.ts';
export type { SqliteStoreOptions } from './sqlite/store.ts';
export { createPostgresStore } from './postgres/store.ts';
export type { PostgresStoreOptions } from './postgres/store.ts';
export * from './delivery/index.ts';
export { untouchedResultsJson } from './shared/lazy-results.ts';
