export * from './summary.ts';
export * from './result-id.ts';
