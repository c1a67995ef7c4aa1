export { buildApiServer } from './server.ts';
export type { ApiServerDeps } from './context.ts';
export { DEFAULT_MAX_BODY_BYTES } from './context.ts';
export { toStatus, statusFor, type KubeStatus } from './status.ts';
