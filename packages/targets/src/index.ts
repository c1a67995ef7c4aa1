export * from './types.ts';
export * from './send-error.ts';
export * from './common-config.ts';
export { request, joinUrl, basicAuth, USER_AGENT, type HttpRequest, type HttpResponse } from './http.ts';
export * from './text.ts';
export * from './registry.ts';
export { slackTarget, slackConfigSchema, type SlackConfig } from './slack/index.ts';
export { formatSlack, SLACK_LIMITS } from './slack/format.ts';
