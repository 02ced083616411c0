export * from './policy.schema.js';
export * from './evaluate.js';
export * from './messages.js';
export * from './send-decline.js';
