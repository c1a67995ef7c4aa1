export * from './summary.ts';
export * from './result-id.ts';
export * from './severity.ts';
export * from './filters.ts';
export * from './flap.ts';
export * from './diff-ids.ts';
export * from './diff.ts';
