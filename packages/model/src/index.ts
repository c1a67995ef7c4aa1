export * from './errors.ts';
export * from './resources.ts';
export * from './types.ts';
