/**
 * @docket/reporter: watch → diff → filter → outbox → dispatch, plus metrics and the config file.
 * Each part keeps its own barrel.
 */
export * from './config/index.ts';
export * from './pipeline/index.ts';
export * from './dispatch/index.ts';
export * from './metrics/index.ts';
