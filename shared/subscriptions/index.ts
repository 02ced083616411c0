export * from './reconcile-request.js';
export * from './specs.js';
export * from './schedule-facts.js';
