export * from './types.ts';
export { openDeliveryStore } from './open.ts';
